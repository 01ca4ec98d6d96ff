import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely'
import { compiledOnce } from './compiled-once.ts'

interface Tables {
  message: { id: string; owner: string; business: string | null; kind: string }
}

/** Compiles only: no database behind it. */
const db = new Kysely<Tables>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
})

describe('a statement compiled once', () => {
  let builds = 0
  const mine = compiledOnce((k: typeof db, limit: number, owner: string, ...businesses: string[]) => {
    builds++
    return k
      .selectFrom('message')
      .select('id')
      .where((eb) => eb.or([eb('owner', '=', owner), ...(businesses.length ? [eb('business', 'in', businesses)] : [])]))
      .where('kind', '=', 'notice')
      .where('owner', '<>', owner)
      .limit(sql.lit(limit))
  })

  it('is built once per shape and carries each call’s values where the stand-ins were, constants kept', () => {
    const first = mine(db, 20, 'ana', 'b1', 'b2')
    const second = mine(db, 20, 'bob', 'b3', 'b4')
    assert.equal(builds, 1)
    assert.equal(second.sql, first.sql)
    assert.match(first.sql, /"owner" = \$1 or "business" in \(\$2, \$3\)\) and "kind" = \$4 and "owner" <> \$5 limit 20$/)
    assert.deepEqual(first.parameters, ['ana', 'b1', 'b2', 'notice', 'ana'])
    assert.deepEqual(second.parameters, ['bob', 'b3', 'b4', 'notice', 'bob'])
    // As Kysely compiles it afresh.
    const fresh = db.selectFrom('message').select('id').where((eb) => eb.or([eb('owner', '=', 'bob'), eb('business', 'in', ['b3', 'b4'])])).where('kind', '=', 'notice').where('owner', '<>', 'bob').limit(sql.lit(20)).compile()
    assert.equal(second.sql, fresh.sql)
    assert.deepEqual(second.parameters, fresh.parameters)
  })

  it('compiles each shape once: another page size, another number of values', () => {
    const before = builds
    assert.match(mine(db, 50, 'ana', 'b1', 'b2').sql, /limit 50$/)
    assert.match(mine(db, 20, 'ana').sql, /where "owner" = \$1 and "kind" = \$2/)
    assert.deepEqual(mine(db, 20, 'cy').parameters, ['cy', 'notice', 'cy'])
    assert.equal(builds, before + 2)
  })

  it('leaves out what is absent: an undefined value is a shape of its own, not a parameter', () => {
    const filtered = compiledOnce((k: typeof db, _shape: undefined, owner: string, kind: string | undefined) => {
      let query = k.selectFrom('message').select('id').where('owner', '=', owner)
      if (kind !== undefined) query = query.where('kind', '=', kind)
      return query
    })
    assert.deepEqual(filtered(db, undefined, 'ana', 'notice'), { ...filtered(db, undefined, 'ana', 'notice'), parameters: ['ana', 'notice'] })
    const all = filtered(db, undefined, 'bob', undefined)
    assert.match(all.sql, /where "owner" = \$1$/)
    assert.deepEqual(all.parameters, ['bob'])
    assert.deepEqual(filtered(db, undefined, 'cy', 'alert').parameters, ['cy', 'alert'])
  })

  it('refuses a statement that does not take every value as a parameter', () => {
    const careless = compiledOnce((k: typeof db, _shape: undefined, owner: string, kind: string) => k.selectFrom('message').select('id').where('owner', '=', owner).where('kind', '=', kind === 'x' ? 'a' : 'b'))
    assert.throws(() => careless(db, undefined, 'ana', 'x'), /every value given must reach the statement as a parameter/)
  })
})
