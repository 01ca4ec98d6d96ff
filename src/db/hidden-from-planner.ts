import { sql, type RawBuilder } from 'kysely'

/**
 * `column = hiddenFromPlanner(value, type)`: the value as a one-row subquery (`(select $1::uuid)`,
 * an InitPlan), which PostgreSQL compares like any parameter but cannot look up in its
 * statistics. For a prepared statement whose best plan is the same for every value (the
 * queue's index scan, whatever the business): PostgreSQL plans a prepared statement's first
 * five executions for their values and then keeps its generic plan only if that plan looks
 * no costlier than theirs. A business holding a tenth of all offers makes the plan made for
 * its id look cheaper, so its pages were planned afresh at every request — on the embedded
 * database 16 file-size checks and ~400 µs each (docs/performance.md, session 9). Hidden, the
 * value is estimated as an average one in both plans, and the generic plan is kept.
 * The same for the officers' name search: a common name's statistics made the plan for that
 * prefix look cheaper. tests/integration/generic-plans.test.ts (both engines) and
 * query-plans.test.ts (PostgreSQL) check the plans are kept and use their indexes.
 */
export function hiddenFromPlanner(value: string, type: 'uuid' | 'text'): RawBuilder<string>
export function hiddenFromPlanner(value: number, type: 'int8'): RawBuilder<number>
export function hiddenFromPlanner(value: string | number, type: 'uuid' | 'text' | 'int8'): RawBuilder<string | number> {
  return sql<string | number>`(select ${value}::${sql.raw(type)})`
}
