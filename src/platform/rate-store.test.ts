import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { freshDatabase } from '../../tests/helpers/database.ts'
import type { DatabaseHandle } from '../db/connect.ts'
import { addToWindow, CoalescedRateWindows, MemoryRateWindows } from './rate-store.ts'

/** The API's rate limit counts in the database, so every process sees the same count. */
describe('rate windows in the database', () => {
  let handle: DatabaseHandle
  before(async () => (handle = await freshDatabase()))
  after(() => handle.close())

  it('counts per key and window for every process alike, a write for the requests that arrive together, and forgets old windows', async () => {
    const t0 = new Date('2026-11-23T15:00:10Z')
    // Two processes counting the same token, each with its writes recorded.
    const writes: number[][] = [[], []]
    const processes = writes.map((sizes) => new CoalescedRateWindows((key, start, by) => (sizes.push(by), addToWindow(handle.db, key, start, by))))
    const counts = await Promise.all(processes.flatMap((p) => Array.from({ length: 10 }, () => p.count('token:a', t0, 60_000))))
    assert.deepEqual(counts.map((c) => c.current).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1), 'one count, each place once')
    // Each process: the first request's write, then one for the nine that came while it was on its way.
    assert.deepEqual(writes, [[1, 9], [1, 9]])
    assert.equal(counts[0]!.ttl, 50_000)
    assert.equal((await processes[0]!.count('token:b', t0, 60_000)).current, 1, 'another key has its own count')
    // The next window starts again at 1 and drops the old one.
    const next = await processes[1]!.count('token:a', new Date('2026-11-23T15:01:00Z'), 60_000)
    assert.deepEqual(next, { current: 1, ttl: 60_000 })
    const rows = await handle.db.selectFrom('rate_window').select(['key', 'count']).orderBy('key').execute()
    assert.deepEqual(rows, [{ key: 'token:a', count: 1 }, { key: 'token:b', count: 1 }])
    assert.deepEqual(processes.map((p) => p.size), [0, 0], 'nothing kept once written')
  })
})

/** A write the test finishes by hand: `by` as asked, and the total to answer with. */
function heldWrites() {
  const held: Array<{ by: number; answer: (total: number) => void; fail: (error: Error) => void }> = []
  const add = (_key: string, _start: Date, by: number) => new Promise<number>((answer, fail) => held.push({ by, answer, fail }))
  return { held, windows: new CoalescedRateWindows(add) }
}

describe('rate windows counted together', () => {
  it('tells each request its own place in the total, in the order they came', async () => {
    const { held, windows } = heldWrites()
    const t0 = new Date('2026-11-23T15:00:10Z')
    const first = windows.count('token:a', t0, 60_000)
    const rest = [windows.count('token:a', t0, 60_000), windows.count('token:a', t0, 60_000), windows.count('token:a', t0, 60_000)]
    assert.deepEqual(held.map((w) => w.by), [1], 'the others wait for the first write')
    held[0]!.answer(41) // another process had counted 40
    assert.equal((await first).current, 41)
    await new Promise(setImmediate)
    assert.deepEqual(held.map((w) => w.by), [1, 3])
    held[1]!.answer(46) // and one more in between
    assert.deepEqual((await Promise.all(rest)).map((c) => c.current), [44, 45, 46])
    assert.equal(windows.size, 0)
  })

  it('a failed write fails only the requests it counted; the ones waiting behind it are written next', async () => {
    const { held, windows } = heldWrites()
    const t0 = new Date('2026-11-23T15:00:10Z')
    const first = windows.count('token:a', t0, 60_000)
    const second = windows.count('token:a', t0, 60_000)
    held[0]!.fail(new Error('connection lost'))
    await assert.rejects(first, /connection lost/)
    await new Promise(setImmediate)
    assert.deepEqual(held.map((w) => w.by), [1, 1])
    held[1]!.answer(1)
    assert.equal((await second).current, 1)
  })

  it('counts each window and each key apart', async () => {
    const { held, windows } = heldWrites()
    const a = windows.count('token:a', new Date('2026-11-23T15:00:59Z'), 60_000)
    const b = windows.count('token:b', new Date('2026-11-23T15:00:59Z'), 60_000)
    const later = windows.count('token:a', new Date('2026-11-23T15:01:00Z'), 60_000)
    assert.deepEqual(held.map((w) => w.by), [1, 1, 1], 'three writes at once: nothing to wait for')
    for (const w of held) w.answer(1)
    assert.deepEqual((await Promise.all([a, b, later])).map((c) => c.ttl), [1_000, 1_000, 60_000])
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
