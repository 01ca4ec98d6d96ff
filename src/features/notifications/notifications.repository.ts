import { sql, type Expression, type ExpressionBuilder, type SqlBool, type Transaction } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { Database } from '../../db/database.ts'
import type { AccountMessage, OutboxRow } from './notifications.tables.ts'
import type { NotificationParams } from './render.ts'
import type { MessageAbout } from './templates.ts'
import { compiledOnce } from '../../db/compiled-once.ts'
import { hiddenFromPlanner } from '../../db/hidden-from-planner.ts'
import { isUuid } from '../../platform/ids.ts'

export type Executor = Db | Transaction<Database>

/** Whose messages: one user's own, plus those of every business they may see. */
export interface Reader {
  userId: string
  businessIds: readonly string[]
}

/**
 * The businesses whose messages a user may see: their active memberships (the
 * access feature will narrow this for branch users).
 */
export function businessIdsQuery(db: Executor, userId: string) {
  return db.selectFrom('business_membership').select('business_id').where('user_id', '=', userId).where('status', '=', sql.lit('active'))
}

/**
 * How many messages a person has not read, at a cost that does not grow with their messages (a
 * busy representative has tens of thousands, and may never open them: the e-mails say the
 * same): their own unread from their tally row (kept by the database), plus their businesses'
 * messages without their read mark. Business messages are few; their partial index serves.
 */
function unreadOf(db: Executor, userId: string | Expression<string | null>, businessIds: Expression<unknown> | readonly string[]) {
  const personal = db.selectFrom('account_message_tally').select('unread').where('owner_id', '=', userId)
  const ofBusinesses = db
    .selectFrom('account_message as m')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => (Array.isArray(businessIds) ? eb('m.business_id', 'in', businessIds) : eb('m.business_id', '=', businessIds as Expression<string>)))
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('account_message_read as r').select(sql.lit(1).as('one')).whereRef('r.message_id', '=', 'm.id').where('r.user_id', '=', userId))),
    )
  const own = sql<number>`coalesce((${personal}), 0)`
  return Array.isArray(businessIds) && businessIds.length === 0 ? own : sql<number>`${own} + (${ofBusinesses})`
}

/**
 * The header's unread count in one query: the businesses of `businessIdsQuery` are a
 * sub-select turned into an array (an InitPlan), so the business messages' partial index
 * still serves, as with a list of ids.
 */
export async function countUnread(db: Executor, userId: string): Promise<number> {
  return unreadIn(await countUnreadQuery(db, userId).execute())
}

/** The count in `countUnreadQuery`'s one row. */
export function unreadIn(rows: ReadonlyArray<{ unread: unknown }>): number {
  return Number(rows[0]!.unread)
}

/** `countUnread`'s statement, also read as a sub-select with the session (`unreadWithSession`). */
export function countUnreadQuery(db: Executor, userId: string | Expression<string | null>) {
  const businessIds = sql<string>`any(array(select "business_id" from "business_membership" where "user_id" = ${userId} and "status" = 'active'))`
  return db.selectNoFrom(unreadOf(db, userId, businessIds).as('unread'))
}

function visibleTo(reader: Reader) {
  return (eb: ExpressionBuilder<Database, 'account_message'>): Expression<SqlBool> =>
    reader.businessIds.length === 0
      ? eb('account_message.user_id', '=', reader.userId)
      : eb.or([eb('account_message.user_id', '=', reader.userId), eb('account_message.business_id', 'in', reader.businessIds)])
}

export async function insertAccountMessage(
  db: Executor,
  row: { user_id: string | null; business_id: string | null; template: string; params: NotificationParams; lang: 'en' | 'fr'; subject: string; body: string; created_at: Date },
): Promise<string> {
  const inserted = await db
    .insertInto('account_message')
    .values({ ...row, params: JSON.stringify(row.params) })
    .returning('id')
    .executeTakeFirstOrThrow()
  return inserted.id
}

export async function insertOutboxEmail(
  db: Executor,
  row: { to_address: string; lang: 'en' | 'fr'; template: string; params: NotificationParams; created_at: Date },
): Promise<string> {
  const inserted = await db
    .insertInto('email_outbox')
    .values({ ...row, params: JSON.stringify(row.params), next_attempt_at: row.created_at })
    .returning('id')
    .executeTakeFirstOrThrow()
  return inserted.id
}

/**
 * The columns a page of messages reads, all but the read state (which depends on who reads it:
 * a business message, the reader's own mark): `full`, every one (the API gives each message's
 * stored words and audience); `list`, what the portal's list shows (each subject rendered again
 * in the page's language from its template and values; no body, which is several times longer).
 */
const MESSAGE_COLUMNS = {
  full: ['id', 'user_id', 'business_id', 'template', 'params', 'lang', 'subject', 'body', 'created_at'],
  list: ['id', 'business_id', 'template', 'params', 'subject', 'created_at'],
} as const
export type MessageColumns = keyof typeof MESSAGE_COLUMNS

/**
 * A page of a reader's messages, newest first: their own and their businesses', the
 * businesses as a list of values (`in ($2, $3)`; one array parameter would make one text for
 * every reader, but PostgreSQL prices its generic plan for an array of ten and then plans
 * every execution afresh, so each number of businesses, a handful, is its own statement).
 * Each owner's newest `reach` (offset + page) come from that owner's index in order and the
 * page is cut from them: no sort of the whole history (one `or` across both indexes sorted
 * every message the reader has). A business message is read when this reader has marked it.
 */
const messagesPageOf = (db: Executor, columns: MessageColumns, limit: number, userId: string, offset: number, reach: number, businessIds: readonly string[]) => {
  // Every value that sizes the work hidden from the planner (hidden-from-planner.ts): planned for a
  // reader's own history and page, the plan looked cheaper than the generic one whenever the
  // history was shorter than average or the page nearer the top than a tenth of it, so each view
  // was planned afresh (docs/performance.md, session 12).
  const owner = hiddenFromPlanner(userId, 'uuid')
  const businesses = businessIds.map((id) => hiddenFromPlanner(id, 'uuid'))
  const newestReach = hiddenFromPlanner(reach, 'int8')
  // Typed as every column, so the statement's two halves type alike; the functions below give each set its own row type.
  const fields = MESSAGE_COLUMNS[columns] as readonly (typeof MESSAGE_COLUMNS.full)[number][]
  const personal = db.selectFrom('account_message').select([...fields, 'read_at']).where('user_id', '=', owner).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(newestReach)
  const ofBusinesses = db
    .selectFrom('account_message as m')
    .leftJoin('account_message_read as r', (join) => join.onRef('r.message_id', '=', 'm.id').on('r.user_id', '=', owner))
    .select([...fields.map((f) => `m.${f}` as const), 'r.read_at'])
    .where('m.business_id', 'in', businesses)
    .orderBy('m.created_at', 'desc')
    .orderBy('m.id', 'desc')
    .limit(newestReach)
  const newest = businessIds.length === 0 ? personal : db.selectFrom(personal.as('p')).selectAll().unionAll(db.selectFrom(ofBusinesses.as('b')).selectAll())
  return db.selectFrom(newest.as('m')).selectAll().orderBy('m.created_at', 'desc').orderBy('m.id', 'desc').limit(sql.lit(limit)).offset(hiddenFromPlanner(offset, 'int8'))
}

/** A row of a page: the columns asked for, and whether this reader has read it. */
export type MessagePageRow<C extends MessageColumns> = Pick<AccountMessage, (typeof MESSAGE_COLUMNS)[C][number]> & { read_at: Date | null }

/** Each column set's statement, compiled once (compiledOnce's shape is the page size). */
const perColumns = <S>(statement: (columns: MessageColumns) => S): Record<MessageColumns, S> => ({ full: statement('full'), list: statement('list') })

const messagesPage = perColumns((columns) =>
  compiledOnce((db: Executor, limit: number, userId: string, offset: number, reach: number, ...businessIds: string[]) => messagesPageOf(db, columns, limit, userId, offset, reach, businessIds)),
)

/** A page of messages, newest first, each with whether this reader has read it: every column, or the list's (`columns`). */
export async function listMessages<C extends MessageColumns = 'full'>(db: Executor, reader: Reader, page: { limit: number; offset: number }, columns: C = 'full' as C): Promise<MessagePageRow<C>[]> {
  const { rows } = await db.executeQuery(messagesPage[columns](db, page.limit, reader.userId, page.offset, page.offset + page.limit, ...reader.businessIds))
  return rows as MessagePageRow<C>[]
}

/** How many messages a reader has (the owners' tallies, kept by the database) and how many they have not read. */
const messageCountsOf = (db: Executor, userId: string, businessIds: readonly string[]) =>
  db.selectNoFrom([
    db
      .selectFrom('account_message_tally')
      .select(sql<number>`coalesce(sum(total), 0)::int8`.as('total'))
      .where('owner_id', 'in', [userId, ...businessIds])
      .as('total'),
    unreadOf(db, userId, businessIds).as('unread'),
  ])

/**
 * A reader's message counts (all, unread) and a page of their messages, in one statement:
 * the counts' one row, joined to the page (a lateral sub-select that does not depend on it,
 * so it runs once). One round trip instead of two for the messages page and the API's list
 * (docs/performance.md, session 10).
 */
const messagesWithCountsStatement = perColumns((columns) =>
  compiledOnce((db: Executor, limit: number, userId: string, offset: number, reach: number, ...businessIds: string[]) =>
    db
      .selectFrom(messageCountsOf(db, userId, businessIds).as('c'))
      .leftJoinLateral(messagesPageOf(db, columns, limit, userId, offset, reach, businessIds).as('m'), (join) => join.onTrue())
      .select(['c.total', 'c.unread'])
      .selectAll('m'),
  ),
)

export async function messagesWithCounts<C extends MessageColumns = 'full'>(
  db: Executor,
  reader: Reader,
  page: { limit: number; offset: number },
  columns: C = 'full' as C,
): Promise<{ total: number; unread: number; rows: MessagePageRow<C>[] }> {
  const { rows } = await db.executeQuery(messagesWithCountsStatement[columns](db, page.limit, reader.userId, page.offset, page.offset + page.limit, ...reader.businessIds))
  const first = rows[0] as { total: unknown; unread: unknown; id: string | null }
  return {
    total: Number(first.total),
    unread: Number(first.unread),
    // A page past the last: the counts' row alone, its message columns empty. Otherwise each row is
    // a message's (with the counts beside it), its columns as stored: not null where the table says so.
    rows: first.id === null ? [] : (rows as unknown as MessagePageRow<C>[]),
  }
}

export async function findVisibleMessage(db: Executor, reader: Reader, id: string) {
  return db
    .selectFrom('account_message')
    .selectAll()
    .where('id', '=', id)
    .where(visibleTo(reader))
    .executeTakeFirst()
}

/** Marks a message read for this reader: on the message when it is theirs alone, else with their own mark (the first reading counts). */
export async function markRead(db: Executor, message: { id: string; user_id: string | null }, userId: string, now: Date): Promise<void> {
  if (message.user_id === userId) {
    await db.updateTable('account_message').set({ read_at: now }).where('id', '=', message.id).where('read_at', 'is', null).execute()
    return
  }
  await db
    .insertInto('account_message_read')
    .values({ message_id: message.id, user_id: userId, read_at: now })
    .onConflict((oc) => oc.columns(['message_id', 'user_id']).doNothing())
    .execute()
}

/**
 * Claims up to `limit` due e-mails for one dispatcher and COMMITS the claim before
 * anything is sent: rows are picked with FOR UPDATE SKIP LOCKED (a row another
 * dispatcher is claiming at this instant is skipped, never waited for), then given a
 * lease (`lease_until`), the dispatcher's name, one more attempt, and — on the first
 * claim only — their Message-ID. A row under a live lease is not due; a lease that
 * ran out (its dispatcher died) makes the row due again; `abandonedBy` then names the
 * dispatcher whose attempt was never recorded (it may have sent the e-mail).
 */
export type ClaimedEmail = OutboxRow & { abandonedBy: string | null }

export async function claimDueEmails(
  db: Db,
  claim: { now: Date; leaseUntil: Date; worker: string; limit: number; messageIdDomain: string },
): Promise<ClaimedEmail[]> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('email_outbox')
      .select(['id', 'claimed_by', 'lease_until'])
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', claim.now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', claim.now)]))
      .orderBy('next_attempt_at')
      .orderBy('created_at')
      .orderBy('id')
      .limit(claim.limit)
      .forUpdate()
      .skipLocked()
      .execute()
    if (due.length === 0) return []
    // Every recorded outcome (and every release) clears the lease: one still set was abandoned.
    const abandoned = new Map(due.filter((d) => d.lease_until !== null).map((d) => [d.id, d.claimed_by]))
    const rows = await trx
      .updateTable('email_outbox')
      .set({
        lease_until: claim.leaseUntil,
        claimed_by: claim.worker,
        attempts: sql<number>`attempts + 1`,
        message_id: sql<string>`coalesce(message_id, '<' || id::text || '@' || ${claim.messageIdDomain} || '>')`,
      })
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .returningAll()
      .execute()
    return rows.map((row) => ({ ...row, abandonedBy: abandoned.get(row.id) ?? null }))
  })
}

/** Gives a claimed row back untouched (not sent, attempt not counted), due again at once. */
export async function releaseClaim(db: Db, id: string, worker: string): Promise<void> {
  await db
    .updateTable('email_outbox')
    .set({ lease_until: null, attempts: sql<number>`attempts - 1` })
    .where('id', '=', id)
    .where('claimed_by', '=', worker)
    .where('status', '=', 'pending')
    .execute()
}

/** The outcome of one attempt, recorded only while this dispatcher still holds the claim; with its log line. */
export async function recordAttempt(
  db: Db,
  row: { id: string; attempts: number; abandonedBy?: string | null },
  worker: string,
  outcome: { kind: 'sent'; at: Date } | { kind: 'retry'; at: Date; nextAttemptAt: Date; error: string } | { kind: 'failed'; at: Date; error: string },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const base = trx.updateTable('email_outbox').where('id', '=', row.id).where('claimed_by', '=', worker).where('status', '=', 'pending')
    const updated =
      outcome.kind === 'sent'
        ? await base.set({ status: 'sent', sent_at: outcome.at, lease_until: null, last_error: null }).executeTakeFirst()
        : outcome.kind === 'retry'
          ? await base.set({ next_attempt_at: outcome.nextAttemptAt, lease_until: null, last_error: outcome.error }).executeTakeFirst()
          : await base.set({ status: 'failed', lease_until: null, last_error: outcome.error }).executeTakeFirst()
    await trx
      .insertInto('email_delivery_log')
      .values({
        outbox_id: row.id,
        attempt: row.attempts,
        outcome: outcome.kind,
        detail:
          [
            outcome.kind === 'sent' ? null : outcome.error,
            row.abandonedBy ? `after an unrecorded attempt by ${row.abandonedBy}: it may have gone out twice, with the same Message-ID` : null,
          ]
            .filter(Boolean)
            .join('; ') || null,
        worker,
        occurred_at: outcome.at,
      })
      .execute()
    return Number(updated.numUpdatedRows) === 1
  })
}

export async function listDevMailbox(db: Executor, limit: number) {
  return db.selectFrom('dev_mailbox').selectAll().orderBy('id', 'desc').limit(limit).execute()
}

export async function findDevMail(db: Executor, id: number) {
  return db.selectFrom('dev_mailbox').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The offer a message is about, for a link to it (and the payment, for a receipt). */
export interface MessageOffer {
  offerId: string
  businessId: string
  branchId: string | null
  paymentId?: string
}

function stringParam(params: NotificationParams, name: string): string | undefined {
  const value = params[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * The offer a notification is about: by the ids `notify` kept in its params (`offerId`,
 * `paymentId`), else (messages written before it kept them) by the offer number, or the fee's
 * receipt number, they name. Undefined when there is none (a draft has no number).
 */
export async function offerOfMessage(db: Executor, about: MessageAbout, params: NotificationParams): Promise<MessageOffer | undefined> {
  const offerId = stringParam(params, 'offerId')
  const paymentId = stringParam(params, 'paymentId')
  if (about === 'receipt') {
    const receipt = stringParam(params, 'receipt')
    if (!(paymentId && isUuid(paymentId)) && !receipt) return undefined
    const row = await db
      .selectFrom('payment as p')
      .innerJoin('offer as o', 'o.id', 'p.purpose_id')
      .select(['o.id as offerId', 'o.business_id as businessId', 'o.branch_id as branchId', 'p.id as paymentId'])
      .where('p.purpose_type', '=', sql.lit('offer'))
      .where((eb) => (paymentId && isUuid(paymentId) ? eb('p.id', '=', paymentId) : eb('p.receipt_number', '=', receipt!)))
      .executeTakeFirst()
    return row
  }
  const number = stringParam(params, 'offerNumber')
  if (!(offerId && isUuid(offerId)) && !number) return undefined
  return db
    .selectFrom('offer as o')
    .select(['o.id as offerId', 'o.business_id as businessId', 'o.branch_id as branchId'])
    .where((eb) => (offerId && isUuid(offerId) ? eb('o.id', '=', offerId) : eb('o.offer_number', '=', number!)))
    .executeTakeFirst()
}
