import type { FastifySessionObject as Session, SessionStore } from '@fastify/session'
import type { AliasableExpression, Expression, InferResult } from 'kysely'
import type { Db } from '../db/connect.ts'
import { SIGNED_IN_USER_COLUMNS, type SignedInUser } from '../db/database.ts'
import { compiledOnce } from '../db/compiled-once.ts'
import { cachedRead } from '../db/read-cache.ts'
import type { Clock } from './clock.ts'

/**
 * How long a session row is kept after its creation: past the 12-hour absolute limit,
 * so that a person who comes back is told why they were signed out.
 */
export const SESSION_ROW_LIFETIME_MS = 36 * 60 * 60 * 1000

/**
 * Something most signed-in pages need besides the user (the header's businesses, the
 * unread count), read in the session's own statement: one round trip for all of them.
 * A feature gives the expression over the session's user id (null when signed out);
 * its request takes the value with `takeSessionCompanion`.
 */
export interface SessionCompanion {
  name: string
  select(db: Db, userId: Expression<string | null>): AliasableExpression<unknown>
}

/** What a session's statement read besides the session itself. */
export interface ReadWithSession {
  user: SignedInUser | null
  companions: Record<string, unknown>
}

type Callback = (err?: unknown) => void
/** Reads of one session in flight at once, kept until taken: more than a browser's or the benchmark's connections. */
const READS_KEPT_PER_SESSION = 64
type SessionRow = InferResult<ReturnType<DbSessionStore['sessionQuery']>>[number]
type GetCallback = (err: unknown, session?: Session | null) => void

/**
 * Sessions live in the database so that several app processes share them and
 * "sign out everywhere" can end them all on the server. Idle and absolute limits
 * are judged by the sign-in feature against the injected clock; this store only
 * keeps rows and drops those past their lifetime.
 */
export class DbSessionStore implements SessionStore {
  /**
   * The user and companions read with each session, until a request takes them
   * (`takeReadWith`). Every signed-in request needs its session, its user, and on most
   * pages the companions: one round trip instead of four (on PostgreSQL each costs the
   * portal about 0.1 ms of CPU and the server a parse and plan, docs/performance.md).
   * Several requests of one session may be in flight at once (tabs, an API client, the
   * benchmark's 50 connections): each read is kept with the time it was asked, in order,
   * and a request takes one asked after it arrived, so as fresh as its own would be. (One
   * read per session, overwritten, left the requests that found it taken to read again:
   * three more statements each.)
   */
  private readonly readsWith = new Map<string, Array<{ askedAt: number; read: ReadWithSession }>>()

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly companions: readonly SessionCompanion[] = [],
  ) {}

  /**
   * A read of session `sessionId` asked at or after `arrivedAt` (`performance.now()`, when
   * the request arrived), once; undefined when there is none (then read the user yourself).
   */
  takeReadWith(sessionId: string, arrivedAt: number): ReadWithSession | undefined {
    const reads = this.readsWith.get(sessionId)
    if (!reads) return undefined
    const i = reads.findIndex((r) => r.askedAt >= arrivedAt)
    // Reads asked before this request arrived belong to earlier ones, still on their way.
    if (i < 0) return undefined
    const [taken] = reads.splice(i, 1)
    if (reads.length === 0) this.readsWith.delete(sessionId)
    return taken!.read
  }

  /** The session's statement, built and compiled once (with the companions, ~50 µs a request otherwise). */
  private readonly sessionStatement = compiledOnce((_db: Db, _shape: undefined, sessionId: string) => this.sessionQuery(sessionId))

  private sessionQuery(sessionId: string) {
    return this.db
      .selectFrom('session as s')
      .leftJoin('app_user as u', 'u.id', 's.user_id')
      .select(SIGNED_IN_USER_COLUMNS.map((c) => `u.${c}` as const))
      .select(['s.data as session_data', 's.expires_at as session_expires_at'])
      .select((eb) => this.companions.map((c) => c.select(this.db, eb.ref('s.user_id')).as(`companion_${c.name}`)))
      .where('s.id', '=', sessionId)
  }

  private keepReadWith(sessionId: string, askedAt: number, read: ReadWithSession): void {
    // A request that never takes its read (an asset, a page not found) leaves it: bounded, oldest first.
    const reads = this.readsWith.get(sessionId)
    if (reads) {
      if (reads.length >= READS_KEPT_PER_SESSION) reads.shift()
      reads.push({ askedAt, read })
      return
    }
    if (this.readsWith.size >= 1000) this.readsWith.delete(this.readsWith.keys().next().value!)
    this.readsWith.set(sessionId, [{ askedAt, read }])
  }

  set(sessionId: string, stored: Session, callback: Callback): void {
    const session = stored as unknown as Record<string, unknown>
    const now = this.clock.now()
    const createdAt = typeof session.createdAt === 'string' ? session.createdAt : now.toISOString()
    const expiresAt = new Date(new Date(createdAt).getTime() + SESSION_ROW_LIFETIME_MS)
    const userId = typeof session.userId === 'string' ? session.userId : null
    this.db
      .insertInto('session')
      .values({
        id: sessionId,
        data: JSON.stringify(session),
        user_id: userId,
        created_at: createdAt,
        updated_at: now,
        expires_at: expiresAt,
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ data: JSON.stringify(session), user_id: userId, updated_at: now, expires_at: expiresAt }),
      )
      .execute()
      .then(() => callback(), callback)
  }

  /** On the embedded database the read may come from the read cache (a write to a table it reads empties it); the expiry is judged here, now. */
  get(sessionId: string, callback: GetCallback): void {
    const now = this.clock.now()
    const askedAt = performance.now()
    cachedRead(this.db, `session:${sessionId}`, () => this.sessionStatement(this.db, undefined, sessionId), (rows) => this.split(rows[0])).then((read) => {
      if (!read || read.expiresAt.getTime() <= now.getTime()) return callback(null, null)
      this.keepReadWith(sessionId, askedAt, { user: read.user, companions: read.companions })
      callback(null, read.data as unknown as Session)
    }, callback)
  }

  /** The statement's one row, sorted into the session, its user and the companions' values (one pass, no deletes: a user object with deleted keys is slow to read for the rest of the request). */
  private split(row: SessionRow | undefined): (ReadWithSession & { data: unknown; expiresAt: Date }) | undefined {
    if (!row) return undefined
    const user: Record<string, unknown> = {}
    const companions: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(row)) {
      if (name.startsWith('companion_')) companions[name.slice('companion_'.length)] = value
      else if (name !== 'session_data' && name !== 'session_expires_at') user[name] = value
    }
    return { data: row.session_data, expiresAt: row.session_expires_at, user: user.id === null ? null : (user as unknown as SignedInUser), companions }
  }

  destroy(sessionId: string, callback: Callback): void {
    this.db
      .deleteFrom('session')
      .where('id', '=', sessionId)
      .execute()
      .then(() => callback(), callback)
  }
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('session').where('expires_at', '<=', now).executeTakeFirst()
  return Number(result.numDeletedRows)
}
