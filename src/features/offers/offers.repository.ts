import { sql, type RawBuilder } from 'kysely'
import { compiledOnce } from '../../db/compiled-once.ts'
import { cachedRead } from '../../db/read-cache.ts'
import { hiddenFromPlanner } from '../../db/hidden-from-planner.ts'
import { auditEachRowOf, auditValues, type Actor, type AuditEntry, type AuditValues, type DbOrTrx } from '../../platform/audit.ts'
import { isStorableText } from '../../platform/unstorable.ts'
import { joinedFullName, namesOf, usernamesOf } from '../auth/users.repository.ts'
import { foldKey, prefixEnd } from '../console/search.keys.ts'
import type { SectionId } from './offers.sections.ts'
import type { Answers, Offer, OfferDocument } from './offers.tables.ts'

export async function insertDraft(db: DbOrTrx, o: { businessId: string; branchId: string | null; userId: string; answers: Answers; now: Date; copiedFrom?: Pick<Offer, 'id' | 'offer_number'> }): Promise<Offer> {
  const merged = sql`${JSON.stringify(o.answers)}::jsonb`
  return db
    .insertInto('offer')
    .values({
      business_id: o.businessId,
      branch_id: o.branchId,
      created_by: o.userId,
      answers: JSON.stringify(o.answers),
      copied_from: o.copiedFrom?.id ?? null,
      copied_from_number: o.copiedFrom?.offer_number ?? null,
      ...QUEUE_COLUMNS.worker(merged),
      ...QUEUE_COLUMNS.job(merged),
      created_at: o.now,
      updated_at: o.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

type QueueColumns = Partial<Record<'worker_name' | 'job_title' | 'passport_key', RawBuilder<string>>>

/**
 * The queue's and searches' columns, by the section of the answers each comes from, kept in
 * step with the answers by the statement that writes them (a new draft: all of them; a
 * section's save: its own, from the section saved).
 */
const QUEUE_COLUMNS = {
  worker: (answers: RawBuilder<unknown>): QueueColumns => ({
    worker_name: sql<string>`trim(both ', ' from coalesce(${answers}->'worker'->>'familyName', '') || ', ' || coalesce(${answers}->'worker'->>'givenNames', ''))`,
    passport_key: sql<string>`upper(regexp_replace(coalesce(${answers}->'worker'->>'passportNumber', ''), '[^A-Za-z0-9]', '', 'g'))`,
  }),
  job: (answers: RawBuilder<unknown>): QueueColumns => ({ job_title: sql<string>`coalesce(${answers}->'job'->>'jobTitle', '')` }),
} satisfies Partial<Record<SectionId, (answers: RawBuilder<unknown>) => QueueColumns>>

/** A passport number as searched and matched: upper case, letters and digits only. */
export function normalizePassport(value: string): string {
  return value.toUpperCase().replace(/[^A-Z0-9]/g, '')
}

/** An offer by id: read by every offer page, so compiled once (compiled-once.ts). */
const offerById = compiledOnce((db: DbOrTrx, _shape: undefined, id: string) => db.selectFrom('offer').selectAll().where('id', '=', id))

export async function findOffer(db: DbOrTrx, id: string): Promise<Offer | undefined> {
  return (await db.executeQuery(offerById(db, undefined, id))).rows[0]
}

export type SaveResult = { kind: 'saved'; version: number } | { kind: 'conflict'; offer: Offer } | { kind: 'readOnly' }

/**
 * Saves one section exactly as typed, in one statement that also checks the version
 * the page was loaded with and that the offer is still a draft; the queue's name and
 * title columns follow the answers (each comes from one section, which the save replaces
 * whole: worked out from what was saved, and only when it is that section, rather than
 * from the merged answers at every save: ~10 % of a save's time on the embedded database).
 * The same statement keeps what this version said (for inspections: the offer row holds
 * only the latest) and writes the audit entry, so the three exist together or not at all
 * without a transaction (one round trip, not five).
 */
export async function saveSection(
  db: DbOrTrx,
  id: string,
  section: SectionId,
  values: Record<string, string | string[]>,
  expectedVersion: number,
  now: Date,
  audited: { actor: Actor; entry: AuditEntry },
): Promise<SaveResult> {
  const saved = JSON.stringify(values)
  // The patch of the answers is the same text as JSON.stringify({ [section]: values }), without writing the values out twice.
  const patch = `{${JSON.stringify(section)}:${saved}}`
  const statement = saveStatement(db, section, patch, saved, id, expectedVersion, now, audited.actor.userId, ...auditValues(audited.actor, now, audited.entry))
  const row = (await db.executeQuery(statement)).rows[0]
  if (row) return { kind: 'saved', version: row.version }
  const current = await findOffer(db, id)
  if (!current || current.status !== 'draft') return { kind: 'readOnly' }
  return { kind: 'conflict', offer: current }
}

/** The save of one section, compiled once per section (compiled-once.ts: a save's page is mostly this statement). */
const saveStatement = compiledOnce(
  (db: DbOrTrx, section: SectionId, patch: string, savedValues: string, id: string, expectedVersion: number, now: Date, userId: string | null, ...audit: AuditValues) => {
    const columns = section in QUEUE_COLUMNS ? QUEUE_COLUMNS[section as keyof typeof QUEUE_COLUMNS](sql`${patch}::jsonb`) : {}
    return db
      .with('saved', (qc) =>
        qc
          .updateTable('offer')
          .set({ answers: sql`(answers || ${patch}::jsonb)`, version: sql`version + 1`, ...columns, updated_at: now })
          .where('id', '=', id)
          .where('version', '=', expectedVersion)
          .where('status', '=', 'draft')
          .returning('version'),
      )
      .with(
        'kept',
        () =>
          sql`(insert into offer_version (offer_id, version, section, saved_values, saved_by, saved_at)
            select ${id}::uuid, version, ${section}::text, ${savedValues}::jsonb, ${userId}::uuid, ${now}::timestamptz from saved)`,
      )
      .with('audited', () => auditEachRowOf('saved', audit))
      .selectFrom('saved')
      .select('version')
  },
)

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

/** Moves a complete draft to "Awaiting payment" if nobody changed it since `expectedVersion`. */
export async function markAwaitingPayment(db: DbOrTrx, id: string, expectedVersion: number, feeExemption: Offer['fee_exemption'], now: Date): Promise<Offer | undefined> {
  return db
    .updateTable('offer')
    .set({ status: 'awaiting_payment', fee_exemption: feeExemption, needs_review: feeExemption !== null, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst()
}

/** Back to a draft (to change it) while no payment is in progress. */
export async function markDraftAgain(db: DbOrTrx, id: string, now: Date): Promise<Offer | undefined> {
  return db
    .updateTable('offer')
    .set({ status: 'draft', fee_exemption: null, needs_review: false, version: sql`version + 1`, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'awaiting_payment')
    .returningAll()
    .executeTakeFirst()
}

/**
 * Submits: the offer gets its number (A and 7 digits from a sequence: unique and never
 * reused, even when a transaction rolls back) once, and becomes read-only.
 */
export async function markSubmitted(db: DbOrTrx, id: string, now: Date): Promise<Offer | undefined> {
  return db
    .updateTable('offer')
    .set({
      status: 'pending',
      offer_number: sql`'A' || lpad(nextval('offer_number_seq')::text, 7, '0')`,
      submitted_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('status', '=', 'awaiting_payment')
    .returningAll()
    .executeTakeFirst()
}

export async function markWithdrawn(db: DbOrTrx, id: string, reason: string, now: Date): Promise<Offer | undefined> {
  return db
    .updateTable('offer')
    .set({ status: 'withdrawn', withdrawn_at: now, withdrawal_reason: reason, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst()
}

export async function deleteDraftRow(db: DbOrTrx, id: string): Promise<boolean> {
  const r = await db.deleteFrom('offer').where('id', '=', id).where('status', '=', 'draft').executeTakeFirst()
  return r.numDeletedRows > 0n
}

/** Approved offer payments owed back: the offer was withdrawn, or it is no longer waiting for that payment. */
export async function offerPaymentsOwed(db: DbOrTrx, limit: number): Promise<Array<{ paymentId: string; status: Offer['status'] }>> {
  return db
    .selectFrom('payment as p')
    .innerJoin('offer as o', 'o.id', 'p.purpose_id')
    .select(['p.id as paymentId', 'o.status'])
    .where('p.purpose_type', '=', 'offer')
    .where('p.status', '=', 'approved')
    .where('o.status', 'in', ['withdrawn', 'draft'])
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('payment_refund as r').select('r.id').whereRef('r.payment_id', '=', 'p.id'))))
    .limit(limit)
    .execute()
}

// ----- The queue -----

export const QUEUE_SORTS = ['changed', 'oldest', 'worker'] as const
export type QueueSort = (typeof QUEUE_SORTS)[number]

export interface QueueQuery {
  businessId: string
  /** Only this branch's offers (a branch user); null: the whole business. */
  scopeBranchId: string | null
  /** A filter chosen by someone who sees the whole business ('none': offers of no branch). */
  branchFilter?: string | 'none'
  status?: Offer['status']
  /**
   * An offer number (A1234567) or the start of the foreign national's name, family name
   * first: compared as search keys (`foldKey`: case, accents and punctuation ignored, so
   * "lefevre" finds Lefèvre), drafts included.
   */
  search?: string
  sort: QueueSort
  /** The last row of the previous page, from `queueCursor`. */
  after?: { key: string; id: string }
  limit: number
  /** The business's branches, when the caller reads them already (`branchChoices`), read or on their way. */
  branches?: ReadonlyArray<{ id: string; name: string }> | PromiseLike<ReadonlyArray<{ id: string; name: string }>>
  /** The creators by name (`created_by`: the page's "Created by"), not by username (the API's). */
  creatorNames?: boolean
}

export interface QueueRow {
  id: string
  offer_number: string | null
  worker_name: string
  job_title: string
  status: Offer['status']
  /** The creator's username (never changes), or their name as shown to people (`fullName`) when asked for (`creatorNames`). */
  created_by: string
  created_at: Date
  updated_at: Date
  branch_name: string | null
}

export const OFFER_NUMBER = /^A\d{7}$/

/**
 * A business's branches, for the queue's filter: read on every queue page, changed rarely,
 * so through the embedded database's read cache (a write to branches empties it; PostgreSQL reads).
 */
export function branchChoices(db: DbOrTrx, businessId: string): Promise<Array<{ id: string; name: string }>> {
  return cachedRead(db, `branches:${businessId}`, () => branchesStatement(db, undefined, businessId))
}

const branchesStatement = compiledOnce((db: DbOrTrx, _shape: undefined, businessId: string) => db.selectFrom('branch').select(['id', 'name']).where('business_id', '=', businessId).orderBy('name'))

/**
 * The queue's statement for one shape (order, "no branch" filter, kind of search, page size),
 * compiled once; the values (`undefined`: that filter is absent) are its parameters
 * (compiledOnce). A name is searched as the range of stored keys `[key, prefixEnd(key))` of
 * `worker_key` (console_fold(worker_name), the officers' key), and the name order is that
 * key's: index `offer_queue_worker_key_idx (business_id, worker_key, id)` serves both, drafts
 * included; the range is hidden from the planner like the officers' (search.repository.ts).
 * The page size is written into the text: with `limit $n` PostgreSQL's
 * generic plan assumes a tenth of the business's offers are wanted, looks costlier than a
 * plan made for the values, and so the statement was planned afresh at every request
 * (docs/performance.md, session 9).
 */
const queueStatement = compiledOnce(
  (
    db: DbOrTrx,
    shape: `${QueueOrder}|${'none' | ''}|${'number' | 'name' | ''}|${number}`,
    businessId: string,
    scopeBranchId: string | undefined,
    branchId: string | undefined,
    status: Offer['status'] | undefined,
    search: string | undefined,
    searchEnd: string | undefined,
    afterKey: Date | string | undefined,
    afterId: string | undefined,
  ) => {
    const [sort, branch, searchKind, limit] = shape.split('|') as [QueueOrder, string, string, string]
    let query = db
      .selectFrom('offer as o')
      .select(['o.id', 'o.offer_number', 'o.worker_name', 'o.job_title', 'o.status', 'o.created_by', 'o.created_at', 'o.updated_at', 'o.branch_id'])
      // Hidden from the planner: one business's share of all offers must not make every page
      // of its queue planned afresh (hidden-from-planner.ts).
      .where('o.business_id', '=', hiddenFromPlanner(businessId, 'uuid'))
    if (scopeBranchId !== undefined) query = query.where('o.branch_id', '=', scopeBranchId)
    else if (branch === 'none') query = query.where('o.branch_id', 'is', null)
    else if (branchId !== undefined) query = query.where('o.branch_id', '=', branchId)
    if (status !== undefined) query = query.where('o.status', '=', status)
    if (search !== undefined) {
      query =
        searchKind === 'number'
          ? query.where('o.offer_number', '=', search)
          : query.where(sql<boolean>`o.worker_key >= ${hiddenFromPlanner(search, 'text')} and o.worker_key < ${hiddenFromPlanner(searchEnd!, 'text')}`)
    }
    const after = afterKey !== undefined && afterId !== undefined
    switch (sort) {
      case 'changed':
        if (after) query = query.where(sql<boolean>`(o.updated_at, o.id) < (${afterKey}, ${afterId}::uuid)`)
        query = query.orderBy('o.updated_at', 'desc').orderBy('o.id', 'desc')
        break
      case 'oldest':
        if (after) query = query.where(sql<boolean>`(o.updated_at, o.id) > (${afterKey}, ${afterId}::uuid)`)
        query = query.orderBy('o.updated_at', 'asc').orderBy('o.id', 'asc')
        break
      case 'worker':
        // The named ones; those without a name (a draft not that far yet) follow ('unnamed').
        query = query.where(sql<boolean>`o.worker_key > ''`)
        if (after) query = query.where(sql<boolean>`(o.worker_key, o.id) > (${afterKey}, ${afterId}::uuid)`)
        query = query.orderBy('o.worker_key').orderBy('o.id')
        break
      case 'unnamed':
        query = query.where(sql<boolean>`o.worker_key = ''`)
        if (afterId !== undefined) query = query.where('o.id', '>', afterId)
        query = query.orderBy('o.worker_key').orderBy('o.id')
        break
    }
    return query.limit(sql.lit(Number(limit)))
  },
)

/** The queue's orders, and the A-to-Z order's tail: the offers without a name yet, after every name. */
type QueueOrder = QueueSort | 'unnamed'

/**
 * One page of the queue, by keyset (never OFFSET), so a deep page costs what the first does.
 * A to Z, the offers with no foreign national's name yet (drafts) come last, by id, on the
 * same index (business_id, worker_key, id): the names are the range `worker_key > ''`, the
 * rest `worker_key = ''`; the second is read only by the page where the names run out (one
 * more statement there), and a cursor with an empty key goes on within it.
 */
export async function queuePage(db: DbOrTrx, q: QueueQuery): Promise<QueueRow[]> {
  const scoped = q.scopeBranchId ?? undefined
  const byBranch = !scoped && q.branchFilter && q.branchFilter !== 'none' ? q.branchFilter : undefined
  const search = q.search?.trim() || undefined
  const number = search?.toUpperCase().replace(/\s/g, '')
  const byNumber = number !== undefined && OFFER_NUMBER.test(number)
  const searchValue = !search ? undefined : byNumber ? number : foldKey(search)
  // Only punctuation (a key with nothing in it): no name starts with it.
  if (searchValue === '') return []
  const limit = Math.trunc(q.limit)
  const read = async (order: QueueOrder, after: QueueQuery['after']) => {
    const shape = `${order}|${!scoped && q.branchFilter === 'none' ? 'none' : ''}|${!search ? '' : byNumber ? 'number' : 'name'}|${limit}` as const
    // Within the unnamed, the id alone goes on (their key is empty).
    const afterKey = !after || order === 'unnamed' ? undefined : q.sort === 'worker' ? after.key : new Date(after.key)
    return (await db.executeQuery(queueStatement(db, shape, q.businessId, scoped, byBranch, q.status, searchValue, searchValue && !byNumber ? prefixEnd(searchValue) : undefined, afterKey, after?.id))).rows
  }
  let rows
  if (q.sort !== 'worker') rows = await read(q.sort, q.after)
  else if (q.after?.key === '') rows = await read('unnamed', q.after)
  else {
    rows = await read('worker', q.after)
    // A name searched for is never empty: no tail.
    if (rows.length < limit && !(searchValue && !byNumber)) rows = [...rows, ...(await read('unnamed', undefined)).slice(0, limit - rows.length)]
  }
  // Branch names from the business's list of branches, not a join: PostgreSQL joined the small
  // branch table by scanning it once per row of the page, and on the embedded database each
  // scan asks the file system for the table's size (12 % of the page's CPU, docs/performance.md).
  // Creators' usernames kept by the process, not joined (usernamesOf), or their names for a
  // minute (namesOf: a name can change); both read, when they must be, in one round trip.
  const creatorIds = rows.map((r) => r.created_by)
  const [branches, creators] = await Promise.all([
    rows.some((r) => r.branch_id !== null) ? (q.branches ?? branchChoices(db, q.businessId)) : undefined,
    q.creatorNames ? namesOf(db, creatorIds) : usernamesOf(db, creatorIds),
  ])
  const names = branches && new Map(branches.map((b) => [b.id, b.name]))
  // Each row written out: a rest and a spread per row left V8 slow dictionary-mode objects (~3 % of the page).
  return rows.map((r) => ({
    id: r.id,
    offer_number: r.offer_number,
    worker_name: r.worker_name,
    job_title: r.job_title,
    status: r.status,
    created_by: creators.get(r.created_by) ?? '',
    created_at: r.created_at,
    updated_at: r.updated_at,
    branch_name: (r.branch_id && names?.get(r.branch_id)) ?? null,
  }))
}

/**
 * Whether a cursor's key is one `queueCursor` could have made for `sort`: a time for the
 * date orders, storable text for the name order. A hand-made one would fail the query.
 */
export function queueCursorKeyFits(key: string, sort: QueueSort): boolean {
  if (sort === 'worker') return key.length <= 300 && isStorableText(key)
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(key) && !Number.isNaN(Date.parse(key))
}

/** The keyset position after `row` in `sort` order, for the "Next page" link. */
export function queueCursor(row: QueueRow, sort: QueueSort): { key: string; id: string } {
  return { key: sort === 'worker' ? foldKey(row.worker_name) : row.updated_at.toISOString(), id: row.id }
}

// ----- Supporting documents -----

export type DocumentSummary = Omit<OfferDocument, 'content'>

export async function listDocuments(db: DbOrTrx, offerId: string): Promise<DocumentSummary[]> {
  return db
    .selectFrom('offer_document')
    .select(['id', 'offer_id', 'file_name', 'content_type', 'size_bytes', 'sha256', 'uploaded_by', 'created_at'])
    .where('offer_id', '=', offerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
}

export async function findDocument(db: DbOrTrx, offerId: string, documentId: string): Promise<OfferDocument | undefined> {
  return db.selectFrom('offer_document').selectAll().where('offer_id', '=', offerId).where('id', '=', documentId).executeTakeFirst()
}

export async function insertDocument(db: DbOrTrx, d: Omit<OfferDocument, 'id'>): Promise<DocumentSummary> {
  return db
    .insertInto('offer_document')
    .values(d)
    .returning(['id', 'offer_id', 'file_name', 'content_type', 'size_bytes', 'sha256', 'uploaded_by', 'created_at'])
    .executeTakeFirstOrThrow()
}

/** Removes a document; its name when it was there (for the audit entry and the page's notice). */
export async function deleteDocument(db: DbOrTrx, offerId: string, documentId: string): Promise<string | undefined> {
  const r = await db.deleteFrom('offer_document').where('offer_id', '=', offerId).where('id', '=', documentId).returning('file_name').executeTakeFirst()
  return r?.file_name
}

/**
 * The name of a document this person removed from this offer, from their audit entry (the row is
 * gone): for "File removed: <name>" after the removal's redirect. Served by `audit_event_actor_idx`
 * (the person's newest entries first: the removal was just made).
 */
export async function removedDocumentName(db: DbOrTrx, userId: string, offerId: string, documentId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('audit_event')
    .select(sql<string | null>`details->>'fileName'`.as('fileName'))
    .where('actor_user_id', '=', userId)
    .where('action', '=', 'offer.document_removed')
    .where('object_id', '=', offerId)
    .where(sql<boolean>`details->>'documentId' = ${documentId}`)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.fileName ?? undefined
}

/**
 * The business's other offers for the same passport number that are pending or awaiting their
 * fee (a second one would be charged again), oldest first; on `offer_passport_idx`.
 */
export function liveOffersForPassport(db: DbOrTrx, businessId: string, passportKey: string, exceptId: string) {
  return db
    .selectFrom('offer')
    .select(['id', 'offer_number', 'status', 'branch_id', 'business_id', 'created_at'])
    .where('passport_key', '=', passportKey)
    .where('business_id', '=', businessId)
    .where('status', 'in', ['pending', 'awaiting_payment'])
    .where('id', '<>', exceptId)
    .orderBy('created_at')
    .limit(10)
    .execute()
}

/** The department's decision on the work permit application matched to an offer, if recorded. */
export function workPermitDecision(db: DbOrTrx, offerId: string) {
  return db
    .selectFrom('work_permit_decision')
    .select(['outcome', 'first_day_of_employment', 'inspection_until', 'decided_at'])
    .where('offer_id', '=', offerId)
    .executeTakeFirst()
}

/**
 * The deletion of a draft, from the audit trail (the draft itself is gone): when, by whom (their name,
 * as the queue shows people; the recorded label when the account is gone), for which business and
 * branch (`branchId` is recorded since deletions say it; undefined before). Served by
 * `audit_event_draft_deleted_idx`.
 */
export async function draftDeletion(db: DbOrTrx, offerId: string): Promise<{ businessId: string; branchId: string | null | undefined; deletedAt: Date; by: string } | undefined> {
  const row = await db
    .selectFrom('audit_event as a')
    .leftJoin('app_user as u', 'u.id', 'a.actor_user_id')
    .select(['a.business_id', 'a.occurred_at', 'a.actor_label', 'a.details', 'u.given_name', 'u.family_name', 'u.username'])
    .where('a.action', '=', 'offer.draft_deleted')
    .where('a.object_id', '=', offerId)
    .orderBy('a.id', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (!row?.business_id) return undefined
  const branch = (row.details as Record<string, unknown> | null)?.branchId
  const by = joinedFullName(row.given_name, row.family_name, row.username) ?? row.actor_label
  return { businessId: row.business_id, branchId: typeof branch === 'string' || branch === null ? branch : undefined, deletedAt: row.occurred_at, by }
}
