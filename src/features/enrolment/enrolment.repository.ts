import { sql } from 'kysely'
import type { DbOrTrx } from '../../platform/audit.ts'
import { cachedRead } from '../../db/read-cache.ts'
import type { Business, EnrolmentRequest, EnrolmentStatus } from './enrolment.tables.ts'

export async function findDraft(db: DbOrTrx, userId: string): Promise<EnrolmentRequest | undefined> {
  return db.selectFrom('enrolment_request').selectAll().where('requester_user_id', '=', userId).where('status', '=', 'draft').executeTakeFirst()
}

const latestRequestQuery = (db: DbOrTrx, userId: string) =>
  db.selectFrom('enrolment_request').selectAll().where('requester_user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1)

/** The person's most recent request (any status). */
export async function latestRequest(db: DbOrTrx, userId: string): Promise<EnrolmentRequest | undefined> {
  return latestRequestQuery(db, userId).executeTakeFirst()
}

/** `latestRequest` for the home page, through the embedded database's read cache: a home page with nothing written since the last sends nothing. */
export async function latestRequestForHome(db: DbOrTrx, userId: string): Promise<EnrolmentRequest | undefined> {
  return cachedRead(db, `latestEnrolment:${userId}`, () => latestRequestQuery(db, userId), (rows) => rows[0])
}

export async function createDraft(db: DbOrTrx, userId: string, now: Date): Promise<EnrolmentRequest> {
  return db
    .insertInto('enrolment_request')
    .values({ requester_user_id: userId, status: 'draft', created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('requester_user_id').where('status', '=', sql.lit('draft')).doUpdateSet({ updated_at: now }))
    .returningAll()
    .executeTakeFirstOrThrow()
}

export type DraftFields = Partial<
  Pick<EnrolmentRequest, 'operates_in_canada' | 'business_number' | 'legal_name' | 'legal_name_key' | 'operating_name' | 'street' | 'city' | 'province' | 'postal_code' | 'phone'>
>

export async function saveDraft(db: DbOrTrx, requestId: string, userId: string, fields: DraftFields, now: Date): Promise<void> {
  await db
    .updateTable('enrolment_request')
    .set({ ...fields, updated_at: now })
    .where('id', '=', requestId)
    .where('requester_user_id', '=', userId)
    .where('status', '=', 'draft')
    .execute()
}

export async function findRequest(db: DbOrTrx, id: string): Promise<EnrolmentRequest | undefined> {
  return db.selectFrom('enrolment_request').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findBusinessByNumber(db: DbOrTrx, businessNumber: string): Promise<Business | undefined> {
  return db.selectFrom('business').selectAll().where('business_number', '=', businessNumber).executeTakeFirst()
}

export async function findBusinessByLegalNameKey(db: DbOrTrx, key: string): Promise<Business | undefined> {
  return db.selectFrom('business').selectAll().where('legal_name_key', '=', key).executeTakeFirst()
}

export async function nextEmployerNumber(db: DbOrTrx): Promise<string> {
  const row = await sql<{ n: number }>`select nextval('employer_number_seq')::int as n`.execute(db)
  return `E${String(row.rows[0]!.n).padStart(7, '0')}`
}

export interface QueueRow {
  id: string
  legal_name: string | null
  business_number: string | null
  submitted_at: Date | null
  status: EnrolmentStatus
  requester: string
  assigned_to: string | null
  decided_at: Date | null
  /** The deciding officer's names (null while undecided). */
  decider_given_name: string | null
  decider_family_name: string | null
  decider_username: string | null
}

/** The review queue: oldest first, by status. */
export async function enrolmentQueue(db: DbOrTrx, status: EnrolmentStatus, limit = 100): Promise<QueueRow[]> {
  return db
    .selectFrom('enrolment_request as r')
    .innerJoin('app_user as u', 'u.id', 'r.requester_user_id')
    .leftJoin('app_user as d', 'd.id', 'r.decided_by')
    .select(['r.id', 'r.legal_name', 'r.business_number', 'r.submitted_at', 'r.status', 'u.username as requester', 'r.assigned_to', 'r.decided_at', 'd.given_name as decider_given_name', 'd.family_name as decider_family_name', 'd.username as decider_username'])
    .where('r.status', '=', status)
    .orderBy('r.submitted_at', 'asc')
    .orderBy('r.id', 'asc')
    .limit(limit)
    .execute()
}
