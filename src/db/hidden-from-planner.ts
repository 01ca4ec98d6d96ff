import { sql, type RawBuilder } from 'kysely'

/**
 * `column = hiddenFromPlanner(value)`: the value as a one-row subquery (`(select $1::uuid)`,
 * an InitPlan), which PostgreSQL compares like any parameter but cannot look up in its
 * statistics. For a prepared statement whose best plan is the same for every value (the
 * queue's index scan, whatever the business): PostgreSQL plans a prepared statement's first
 * five executions for their values and then keeps its generic plan only if that plan looks
 * no costlier than theirs. A business holding a tenth of all offers makes the plan made for
 * its id look cheaper, so its pages were planned afresh at every request — on the embedded
 * database 16 file-size checks and ~400 µs each (docs/performance.md, session 9). Hidden, the
 * value is estimated as an average one in both plans, and the generic plan is kept.
 * tests/integration/query-plans.test.ts checks that it is, on both engines.
 */
export function hiddenFromPlanner(value: string, type: 'uuid'): RawBuilder<string> {
  return sql<string>`(select ${value}::${sql.raw(type)})`
}
