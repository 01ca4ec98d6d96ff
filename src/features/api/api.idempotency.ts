import crypto from 'node:crypto'
import type { Db } from '../../db/connect.ts'
import { ApiProblem } from './api.problems.ts'

/**
 * Idempotency keys (the `Idempotency-Key` header) on create, copy and submit. The first
 * request with a key claims it (an insert that only one of two racing requests wins),
 * then stores its answer; the same key with the same request replays that answer; with a
 * different request it is refused (422); while the first is still running, 409. Keys
 * are per token and kept 24 hours. A request refused with a problem (or failing) keeps
 * no answer and releases its key, so a corrected retry runs.
 */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000
const KEY_SHAPE = /^[\x21-\x7e]{1,200}$/

export interface StoredAnswer {
  status: number
  body: unknown
  headers: Record<string, string>
}

/** A stable fingerprint of what was asked: method, path and body (keys sorted). */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v
  return crypto.createHash('sha256').update(JSON.stringify([method, path, canonical(body ?? null)])).digest('hex')
}

export async function withIdempotency(
  db: Db,
  now: Date,
  tokenId: string,
  key: string | string[] | undefined,
  fingerprint: string,
  run: () => Promise<StoredAnswer>,
): Promise<StoredAnswer & { replayed: boolean }> {
  if (key === undefined) return { ...(await run()), replayed: false }
  if (typeof key !== 'string' || !KEY_SHAPE.test(key)) {
    throw new ApiProblem(400, 'bad-request', 'api.p.badRequestTitle', 'api.p.badRequestDetail', {}, { errors: [{ field: 'Idempotency-Key', code: 'api.p.idempotencyKeyInvalid' }] })
  }
  // Forget keys older than a day (this one included), then claim it.
  await db.deleteFrom('api_idempotency').where('token_id', '=', tokenId).where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_TTL_MS)).execute()
  const claimed = await db
    .insertInto('api_idempotency')
    .values({ token_id: tokenId, idempotency_key: key, request_hash: fingerprint, created_at: now })
    .onConflict((oc) => oc.columns(['token_id', 'idempotency_key']).doNothing())
    .returning('token_id')
    .executeTakeFirst()
  if (!claimed) {
    const first = await db.selectFrom('api_idempotency').selectAll().where('token_id', '=', tokenId).where('idempotency_key', '=', key).executeTakeFirstOrThrow()
    if (first.request_hash !== fingerprint) throw new ApiProblem(422, 'idempotency-mismatch', 'api.p.idempotencyMismatchTitle', 'api.p.idempotencyMismatchDetail')
    if (first.status === null) throw new ApiProblem(409, 'idempotency-in-progress', 'api.p.idempotencyBusyTitle', 'api.p.idempotencyBusyDetail')
    return { status: first.status, body: JSON.parse(first.response_body ?? 'null'), headers: JSON.parse(first.response_headers ?? '{}') as Record<string, string>, replayed: true }
  }
  let answer: StoredAnswer
  try {
    answer = await run()
  } catch (error) {
    // No answer was made (a refusal or a failure): the key is free again, so a corrected retry runs.
    await db.deleteFrom('api_idempotency').where('token_id', '=', tokenId).where('idempotency_key', '=', key).execute()
    throw error
  }
  await db
    .updateTable('api_idempotency')
    .set({ status: answer.status, response_body: JSON.stringify(answer.body), response_headers: JSON.stringify(answer.headers) })
    .where('token_id', '=', tokenId)
    .where('idempotency_key', '=', key)
    .execute()
  return { ...answer, replayed: false }
}
