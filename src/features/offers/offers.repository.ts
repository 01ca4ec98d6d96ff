import { sql } from 'kysely'
import type { DbOrTrx } from '../../platform/audit.ts'
import type { SectionId } from './offers.sections.ts'
import type { Answers, Offer } from './offers.tables.ts'

export async function insertDraft(db: DbOrTrx, o: { businessId: string; userId: string; answers: Answers; now: Date }): Promise<Offer> {
  return db
    .insertInto('offer')
    .values({ business_id: o.businessId, created_by: o.userId, answers: JSON.stringify(o.answers), created_at: o.now, updated_at: o.now })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function findOffer(db: DbOrTrx, id: string): Promise<Offer | undefined> {
  return db.selectFrom('offer').selectAll().where('id', '=', id).executeTakeFirst()
}

export type SaveResult = { kind: 'saved'; version: number } | { kind: 'conflict'; offer: Offer } | { kind: 'readOnly' }

/**
 * Saves one section exactly as typed, in one statement that also checks the version
 * the page was loaded with and that the offer is still a draft; the queue's name and
 * title columns follow the answers.
 */
export async function saveSection(db: DbOrTrx, id: string, section: SectionId, values: Record<string, string | string[]>, expectedVersion: number, now: Date): Promise<SaveResult> {
  const patch = JSON.stringify({ [section]: values })
  const merged = sql`(answers || ${patch}::jsonb)`
  const saved = await db
    .updateTable('offer')
    .set({
      answers: sql`${merged}`,
      version: sql`version + 1`,
      worker_name: sql`trim(both ', ' from coalesce(${merged}->'worker'->>'familyName', '') || ', ' || coalesce(${merged}->'worker'->>'givenNames', ''))`,
      job_title: sql`coalesce(${merged}->'job'->>'jobTitle', '')`,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('status', '=', 'draft')
    .returning('version')
    .executeTakeFirst()
  if (saved) return { kind: 'saved', version: saved.version }
  const current = await findOffer(db, id)
  if (!current || current.status !== 'draft') return { kind: 'readOnly' }
  return { kind: 'conflict', offer: current }
}

export interface QueueRow {
  id: string
  offer_number: string | null
  worker_name: string
  job_title: string
  status: Offer['status']
  created_by: string
  updated_at: Date
  legal_name: string
}

export async function listOffers(db: DbOrTrx, businessIds: string[], limit = 50): Promise<QueueRow[]> {
  if (businessIds.length === 0) return []
  return db
    .selectFrom('offer as o')
    .innerJoin('app_user as u', 'u.id', 'o.created_by')
    .innerJoin('business as b', 'b.id', 'o.business_id')
    .select(['o.id', 'o.offer_number', 'o.worker_name', 'o.job_title', 'o.status', 'u.username as created_by', 'o.updated_at', 'b.legal_name'])
    .where('o.business_id', 'in', businessIds)
    .orderBy('o.updated_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(limit)
    .execute()
}

/** The business section of the business's most recent offer, to fill a new one. */
export async function lastBusinessAnswers(db: DbOrTrx, businessId: string): Promise<Answers['business'] | undefined> {
  const row = await db
    .selectFrom('offer')
    .select('answers')
    .where('business_id', '=', businessId)
    .where(sql<boolean>`answers ? 'business'`)
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.answers.business
}
