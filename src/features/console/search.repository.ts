import { sql, type RawBuilder } from 'kysely'
import type { DbOrTrx } from '../../platform/audit.ts'
import type { OfferStatus } from '../offers/offers.tables.ts'
import { compiledOnce } from '../../db/compiled-once.ts'
import { hiddenFromPlanner } from '../../db/hidden-from-planner.ts'
import { compactKey, foldKey, OFFER_NUMBER, prefixEnd } from './search.keys.ts'

/**
 * Officers' searches, each a keyset page ordered by an indexed key then id (no OFFSET,
 * so page 2,000 costs what page 1 does). Exact keys (numbers) use unique indexes, and
 * their pages are ordered by id alone (every hit has the same key); names use stored
 * `console_fold(...)` columns (`worker_key`, `legal_name_fold`, collation "C") and their
 * indexes, with the range of keys that start with the prefix (`prefixEnd`). Stored, not an
 * expression index: PostgreSQL computed the expression for every row of a page to order
 * it (docs/performance.md, session 9). The range and the cursor are hidden from the
 * planner (hidden-from-planner.ts): the plan is the same for every prefix, and a common
 * name's statistics made PostgreSQL plan each page afresh. The next page's cursor is the last
 * hit's key and id; a name's key is folded again here (`foldKey`, the SQL function's twin),
 * not selected, and for that one hit only (`employerHitKey`, `offerHitKey`).
 *
 * Each kind of search is built and compiled once (compiledOnce): building and compiling the
 * statement, and folding every hit's name, were ~60 µs of a ~430 µs search page on PostgreSQL
 * (docs/performance.md, session 24).
 */
export const SEARCH_PAGE_SIZE = 25

/**
 * The rows whose stored name key starts with `prefix` (below `prefixEnd`), after the cursor
 * if there is one: the key's range, and `(key, id)` past the cursor's, every value hidden
 * from the planner.
 */
function nameKeys(key: string, id: string, prefix: string, end: string, afterKey: string | undefined, afterId: string | undefined): RawBuilder<boolean> {
  const range = sql<boolean>`${sql.ref(key)} >= ${hiddenFromPlanner(prefix, 'text')} and ${sql.ref(key)} < ${hiddenFromPlanner(end, 'text')}`
  return afterKey !== undefined && afterId !== undefined
    ? sql<boolean>`${range} and (${sql.ref(key)}, ${sql.ref(id)}) > (${hiddenFromPlanner(afterKey, 'text')}, ${hiddenFromPlanner(afterId, 'uuid')})`
    : range
}

/** The values of one search's statement: what is looked for, the end of a name's range, and the cursor's key (names only) and id. */
type SearchValues = [value: string, end: string | undefined, afterKey: string | undefined, afterId: string | undefined]

function searchValues(query: { kind: 'name'; prefix: string } | { kind: string; value: string }, after: { key: string; id: string } | undefined): SearchValues {
  return 'prefix' in query ? [query.prefix, prefixEnd(query.prefix), after?.key, after?.id] : [query.value, undefined, undefined, after?.id]
}

export interface EmployerHit {
  id: string
  business_number: string
  employer_number: string
  legal_name: string
  operating_name: string
  province: string
}

export type EmployerQuery = { kind: 'businessNumber'; value: string } | { kind: 'employerNumber'; value: string } | { kind: 'name'; prefix: string }

/** How an employer search reads what was typed. */
export function employerQuery(q: string): EmployerQuery | undefined {
  const compact = compactKey(q)
  if (/^\d{9}$/.test(compact)) return { kind: 'businessNumber', value: compact }
  if (/^E\d{7}$/.test(compact)) return { kind: 'employerNumber', value: compact }
  const prefix = foldKey(q)
  return prefix.replace(/ /g, '').length >= 2 ? { kind: 'name', prefix } : undefined
}

const employersStatement = compiledOnce((db: DbOrTrx, shape: `${EmployerQuery['kind']}|${number}`, ...[value, end, afterKey, afterId]: SearchValues) => {
  const [kind, limit] = shape.split('|') as [EmployerQuery['kind'], string]
  let q = db.selectFrom('business').select(['id', 'business_number', 'employer_number', 'legal_name', 'operating_name', 'province'])
  if (kind === 'businessNumber') q = q.where('business_number', '=', value)
  else if (kind === 'employerNumber') q = q.where('employer_number', '=', value)
  else q = q.where(nameKeys('legal_name_fold', 'id', value, end!, afterKey, afterId))
  if (afterId !== undefined && kind !== 'name') q = q.where('id', '>', afterId)
  if (kind === 'name') q = q.orderBy('legal_name_fold')
  return q.orderBy('id').limit(sql.lit(Number(limit)))
})

/** A page of employers, and one more row when there is a next page. */
export async function searchEmployers(db: DbOrTrx, query: EmployerQuery, after?: { key: string; id: string }, limit = SEARCH_PAGE_SIZE): Promise<EmployerHit[]> {
  return (await db.executeQuery(employersStatement(db, `${query.kind}|${limit + 1}`, ...searchValues(query, after)))).rows
}

/** The key of the next page's cursor after `hit`. */
export function employerHitKey(query: EmployerQuery, hit: EmployerHit): string {
  return query.kind === 'name' ? foldKey(hit.legal_name) : query.value
}

export interface OfferHit {
  id: string
  offer_number: string | null
  worker_name: string
  job_title: string
  status: OfferStatus
  submitted_at: Date | null
  legal_name: string
  business_id: string
}

export type OfferQuery = { kind: 'offerNumber'; value: string } | { kind: 'passport'; value: string } | { kind: 'name'; prefix: string }

/**
 * How an offer search reads what was typed: an offer number; else letters with digits
 * (6 to 12 once compacted) is a passport number; else the start of a name.
 */
export function offerQuery(q: string): OfferQuery | undefined {
  const compact = compactKey(q)
  if (OFFER_NUMBER.test(compact)) return { kind: 'offerNumber', value: compact }
  if (/\d/.test(compact) && compact.length >= 6 && compact.length <= 12) return { kind: 'passport', value: compact }
  const prefix = foldKey(q)
  return prefix.replace(/ /g, '').length >= 2 ? { kind: 'name', prefix } : undefined
}

const offersStatement = compiledOnce((db: DbOrTrx, shape: `${OfferQuery['kind']}|${number}`, ...[value, end, afterKey, afterId]: SearchValues) => {
  const [kind, limit] = shape.split('|') as [OfferQuery['kind'], string]
  let q = db
    .selectFrom('offer as o')
    .innerJoin('business as b', 'b.id', 'o.business_id')
    .select(['o.id', 'o.offer_number', 'o.worker_name', 'o.job_title', 'o.status', 'o.submitted_at', 'b.legal_name', 'o.business_id'])
    .where('o.status', '<>', sql.lit('draft'))
  if (kind === 'offerNumber') q = q.where('o.offer_number', '=', value)
  else if (kind === 'passport') q = q.where(sql<boolean>`console_passport_key(o.answers) = ${value}`)
  else q = q.where(nameKeys('o.worker_key', 'o.id', value, end!, afterKey, afterId))
  if (afterId !== undefined && kind !== 'name') q = q.where('o.id', '>', afterId)
  if (kind === 'name') q = q.orderBy('o.worker_key')
  return q.orderBy('o.id').limit(sql.lit(Number(limit)))
})

/** A page of submitted offers, and one more row when there is a next page. */
export async function searchOffers(db: DbOrTrx, query: OfferQuery, after?: { key: string; id: string }, limit = SEARCH_PAGE_SIZE): Promise<OfferHit[]> {
  return (await db.executeQuery(offersStatement(db, `${query.kind}|${limit + 1}`, ...searchValues(query, after)))).rows
}

/** The work permit decisions of these offers (the matched ones of a page of hits), by offer id; no statement for none. */
export async function outcomesOf(db: DbOrTrx, offerIds: readonly string[]): Promise<Map<string, 'issued' | 'refused'>> {
  if (offerIds.length === 0) return new Map()
  const rows = await db.selectFrom('work_permit_decision').select(['offer_id', 'outcome']).where('offer_id', 'in', [...offerIds]).execute()
  return new Map(rows.map((r) => [r.offer_id, r.outcome]))
}

/** The key of the next page's cursor after `hit`: a name's folded, an exact search's the value every hit matched. */
export function offerHitKey(query: OfferQuery, hit: OfferHit): string {
  return query.kind === 'name' ? foldKey(hit.worker_name) : query.value
}

export function findBusiness(db: DbOrTrx, id: string) {
  return db.selectFrom('business').selectAll().where('id', '=', id).executeTakeFirst()
}
