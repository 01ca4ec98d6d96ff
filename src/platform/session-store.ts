import type { FastifySessionObject as Session, SessionStore } from '@fastify/session'
import type { Db } from '../db/connect.ts'
import { cachedRead } from '../db/read-cache.ts'
import type { Clock } from './clock.ts'

/**
 * How long a session row is kept after its creation: past the 12-hour absolute limit,
 * so that a person who comes back is told why they were signed out.
 */
export const SESSION_ROW_LIFETIME_MS = 36 * 60 * 60 * 1000

type Callback = (err?: unknown) => void
type GetCallback = (err: unknown, session?: Session | null) => void

/**
 * Sessions live in the database so that several app processes share them and
 * "sign out everywhere" can end them all on the server. Idle and absolute limits
 * are judged by the sign-in feature against the injected clock; this store only
 * keeps rows and drops those past their lifetime.
 */
export class DbSessionStore implements SessionStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

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

  /** On the embedded database the row may come from the read cache (any write since empties it); the expiry is judged here, now. */
  get(sessionId: string, callback: GetCallback): void {
    const now = this.clock.now()
    cachedRead(this.db, `session:${sessionId}`, () =>
      this.db.selectFrom('session').select(['data', 'expires_at']).where('id', '=', sessionId).executeTakeFirst(),
    ).then((row) => callback(null, row && row.expires_at.getTime() > now.getTime() ? (row.data as unknown as Session) : null), callback)
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
