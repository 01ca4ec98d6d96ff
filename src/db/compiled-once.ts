import type { CompiledQuery } from 'kysely'

interface Compilable<Row> {
  compile(): CompiledQuery<Row>
}

const STAND_IN = '\u0000compiled-once-argument-'

/**
 * A statement Kysely builds and compiles once, then runs with new values: on a page of one
 * or two statements, building the query tree and compiling it each time was ~10 % of the
 * page's CPU (docs/performance.md). `build` gets stand-ins (NUL-prefixed strings: no real
 * value has one) for `values`, and must use each only as a parameter, never to choose the
 * statement's shape, except by whether it is `undefined` (an absent filter: passed as it
 * is); `shape` (a page size written into the text, an order) is passed as it is. Each shape,
 * with each pattern of given values (and so each length of a list spread into `in (…)`), is
 * compiled once.
 *
 *   const mine = compiledOnce((db: Db, limit: number, owner: string) => db.selectFrom('x').selectAll().where('owner', '=', owner).limit(sql.lit(limit)))
 *   await db.executeQuery(mine(db, 20, 'ana'))
 */
export function compiledOnce<Db, Shape extends string | number | undefined, Values extends unknown[], Row>(
  build: (db: Db, shape: Shape, ...values: Values) => Compilable<Row>,
): (db: Db, shape: Shape, ...values: Values) => CompiledQuery<Row> {
  const compiled = new Map<string, { statement: CompiledQuery<Row>; argumentAt: number[] }>()
  return (db, shape, ...values) => {
    let key = String(shape)
    for (const v of values) key += v === undefined ? '|-' : '|v'
    let known = compiled.get(key)
    if (!known) {
      const statement = build(db, shape, ...(values.map((v, i) => (v === undefined ? undefined : `${STAND_IN}${i}`)) as Values)).compile()
      // For each parameter, the argument it stands for (-1: a constant of the statement's own).
      const argumentAt = statement.parameters.map((p) => (typeof p === 'string' && p.startsWith(STAND_IN) ? Number(p.slice(STAND_IN.length)) : -1))
      const given = values.filter((v) => v !== undefined).length
      if (new Set(argumentAt.filter((i) => i >= 0)).size !== given) throw new Error('compiledOnce: every value given must reach the statement as a parameter')
      known = { statement, argumentAt }
      compiled.set(key, known)
    }
    const { statement, argumentAt } = known
    return { ...statement, parameters: argumentAt.map((i, at) => (i < 0 ? statement.parameters[at] : values[i])) }
  }
}
