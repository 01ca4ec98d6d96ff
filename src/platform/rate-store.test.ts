import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { freshDatabase } from '../../tests/helpers/database.ts'
import type { DatabaseHandle } from '../db/connect.ts'
import { countRequest } from './rate-store.ts'

/** The API's rate limit counts in the database, so every process sees the same count. */
describe('rate windows in the database', () => {
  let handle: DatabaseHandle
  before(async () => (handle = await freshDatabase()))
  after(() => handle.close())

  it('counts per key and window, for every caller alike, and forgets old windows', async () => {
    const t0 = new Date('2026-11-23T15:00:10Z')
    // Two "processes" (callers) counting the same token: one count.
    const counts = await Promise.all(Array.from({ length: 10 }, () => countRequest(handle.db, 'token:a', t0, 60_000)))
    assert.deepEqual(counts.map((c) => c.current).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert.equal(counts[0]!.ttl, 50_000)
    assert.equal((await countRequest(handle.db, 'token:b', t0, 60_000)).current, 1, 'another key has its own count')
    // The next window starts again at 1 and drops the old one.
    const next = await countRequest(handle.db, 'token:a', new Date('2026-11-23T15:01:00Z'), 60_000)
    assert.deepEqual(next, { current: 1, ttl: 60_000 })
    const rows = await handle.db.selectFrom('rate_window').select(['key', 'count']).orderBy('key').execute()
    assert.deepEqual(rows, [{ key: 'token:a', count: 1 }, { key: 'token:b', count: 1 }])
  })
})
