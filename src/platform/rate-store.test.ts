import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { freshDatabase } from '../../tests/helpers/database.ts'
import type { DatabaseHandle } from '../db/connect.ts'
import { countRequest, MemoryRateWindows } from './rate-store.ts'

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

/** The embedded database's windows (one process owns it): the same answers, in memory. */
describe('rate windows in memory', () => {
  it('counts per key and window like the database, and starts each window again at 1', () => {
    const windows = new MemoryRateWindows()
    const t0 = new Date('2026-11-23T15:00:10Z')
    const counts = Array.from({ length: 10 }, () => windows.count('token:a', t0, 60_000))
    assert.deepEqual(counts.map((c) => c.current), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert.equal(counts[0]!.ttl, 50_000)
    assert.equal(windows.count('token:b', t0, 60_000).current, 1, 'another key has its own count')
    assert.deepEqual(windows.count('token:a', new Date('2026-11-23T15:01:00Z'), 60_000), { current: 1, ttl: 60_000 })
  })

  it('past its size, forgets windows that have ended, never the current counts', () => {
    const windows = new MemoryRateWindows(3)
    const t0 = new Date('2026-11-23T15:00:10Z')
    const t1 = new Date('2026-11-23T15:01:10Z')
    for (const key of ['old:1', 'old:2']) windows.count(key, t0, 60_000)
    windows.count('busy', t1, 60_000)
    windows.count('busy', t1, 60_000)
    // A fourth key: the two ended windows go; the busy key keeps its count.
    windows.count('new:1', t1, 60_000)
    assert.equal(windows.size, 2)
    assert.equal(windows.count('busy', t1, 60_000).current, 3)
    // Still full of current windows: they are all kept (counts are never dropped within their window).
    for (const key of ['new:2', 'new:3', 'new:4']) windows.count(key, t1, 60_000)
    assert.equal(windows.size, 5)
    assert.equal(windows.count('busy', t1, 60_000).current, 4)
  })
})
