import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { serialize } from 'pg-protocol'
import { openEmbedded, openMemory, type DatabaseHandle } from './connect.ts'

// The embedded database's own thread (pglite-thread.ts), as the portal opens it from a data folder.
describe('the embedded database in a thread of its own', () => {
  let dir: string
  let handle: DatabaseHandle
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-thread-'))
    handle = await openEmbedded(dir)
    await sql`create table thread_probe (id int primary key, note text not null, at timestamptz not null default now(), day date, amount bigint, tags text[], doc jsonb)`.execute(handle.db)
  })
  after(async () => {
    await handle.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('answers with the values PostgreSQL’s driver gives, through prepared statements', async () => {
    await handle.db
      .insertInto('thread_probe' as never)
      .values({ id: 1, note: 'first', day: '2026-11-24', amount: 12_345_678_901, tags: sql`array['a','b']`, doc: JSON.stringify({ n: 1 }) } as never)
      .execute()
    for (let i = 0; i < 3; i++) {
      const row = await handle.db.selectFrom('thread_probe' as never).selectAll().where('id' as never, '=', 1 as never).executeTakeFirstOrThrow()
      assert.deepEqual({ ...(row as object), at: undefined }, { id: 1, note: 'first', at: undefined, day: '2026-11-24', amount: 12_345_678_901, tags: ['a', 'b'], doc: { n: 1 } })
      assert.ok((row as { at: unknown }).at instanceof Date)
    }
  })

  it('passes PostgreSQL’s errors on with their code, and stays usable after one', async () => {
    await assert.rejects(sql`insert into thread_probe (id, note) values (${1}, ${'again'})`.execute(handle.db), { code: '23505' })
    // The simple protocol (no parameters) goes another way through the thread.
    await assert.rejects(sql`select * from no_such_table`.execute(handle.db), { code: '42P01' })
    const count = await sql<{ n: number }>`select count(*) as n from thread_probe`.execute(handle.db)
    assert.equal(count.rows[0]!.n, 1)
  })

  it('keeps a transaction’s statements together, and rolls it back whole', async () => {
    await assert.rejects(
      handle.db.transaction().execute(async (trx) => {
        await sql`insert into thread_probe (id, note) values (${2}, ${'inside'})`.execute(trx)
        const seen = await sql<{ n: number }>`select count(*) as n from thread_probe`.execute(trx)
        assert.equal(seen.rows[0]!.n, 2)
        throw new Error('roll back')
      }),
      /roll back/,
    )
    await handle.db.transaction().execute(async (trx) => {
      await sql`insert into thread_probe (id, note) values (${3}, ${'kept'})`.execute(trx)
    })
    const ids = await sql<{ id: number }>`select id from thread_probe order by id`.execute(handle.db)
    assert.deepEqual(
      ids.rows.map((r) => r.id),
      [1, 3],
    )
  })

  it('answers right when answers outgrow and reuse the memory handed back and forth between the threads', async () => {
    // Answers of every size, one after another and many at once: each is written into a buffer an
    // earlier answer came in (answer-buffers.ts), so a buffer handed back too soon would show here.
    const sizes = [1, 20_000, 5, 300_000, 2, 70_000, 3]
    const read = (n: number) => sql<{ s: string }>`select repeat(chr(65 + ${n} % 26), ${n}) as s`.execute(handle.db).then((r) => r.rows[0]!.s)
    for (const n of sizes) assert.equal(await read(n), String.fromCharCode(65 + (n % 26)).repeat(n))
    const together = await Promise.all([...sizes, ...sizes].map(read))
    assert.deepEqual(
      together.map((s) => [s.length, s[0], s[s.length - 1]]),
      [...sizes, ...sizes].map((n) => [n, String.fromCharCode(65 + (n % 26)), String.fromCharCode(65 + (n % 26))]),
    )
    // An answer's memory goes back to the thread with the next exchange: the portal keeps none of it.
    const selectOne = Buffer.concat([serialize.parse({ text: 'select 1' }), serialize.bind({}), serialize.execute({}), serialize.sync()])
    const pieces: Buffer[] = []
    await handle.embedded!.exclusive(async (engine) => {
      await engine.exchange(selectOne, false, (piece) => pieces.push(piece))
      assert.ok(pieces[0]!.byteLength > 0)
      await engine.exchange(selectOne, false, () => undefined)
    })
    assert.equal(pieces[0]!.buffer.byteLength, 0)
  })

  it('dumps the database, which opens again in memory (in a thread or not) with its rows', async () => {
    const dump = await handle.embedded!.exclusive((engine) => engine.dumpDataDir('none'))
    for (const thread of [true, false]) {
      const copy = await openMemory(dump, { thread })
      try {
        const notes = await sql<{ note: string }>`select note from thread_probe order by id`.execute(copy.db)
        assert.deepEqual(
          notes.rows.map((r) => r.note),
          ['first', 'kept'],
        )
      } finally {
        await copy.close()
      }
    }
  })

  it('refuses statements once closed, instead of waiting for ever', async () => {
    const other = await openMemory(undefined, { thread: true })
    const engine = other.embedded!.engine
    await other.close()
    await assert.rejects(engine.exec('select 1'), /stopped/)
  })
})
