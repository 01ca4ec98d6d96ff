import crypto from 'node:crypto'
import { createRequire } from 'node:module'

/** Distinct statements one connection keeps prepared; past this, statements go unnamed (planned every time, as without). */
export const MAX_PREPARED_PER_CONNECTION = 300

/** PostgreSQL's answer when a prepared `select *` meets a table whose columns changed (a migration ran). */
export const RESULT_TYPE_CHANGED = '0A000'

/** The longest text prepared: a bulk insert of a thousand rows is one-off, and its plan would only take memory. */
export const MAX_PREPARED_TEXT = 8_000

/**
 * Whether a statement text may be prepared: one data statement (a select, insert, update,
 * delete, or a `with` of them), alone in its text and of modest length. Writes too: an
 * offer section's save (an update, its version and its audit entry in one statement) was
 * planned afresh at every save, ~40 % of its time on the embedded database
 * (docs/performance.md, session 10). The caller also checks it is outside a transaction, so
 * a statement a migration invalidated can be prepared again and retried: PostgreSQL refuses
 * it when binding, before it runs, so a retried write is still written once. Not an insert
 * whose conflict target names a partial unique index by a parameter (`on conflict (user_id)
 * where status = $2`): PostgreSQL finds that index when planning, and a generic plan (from
 * the sixth run) has no value to match its predicate with, so it fails. The portal writes
 * such constants in (`sql.lit('draft')`, the rule for partial indexes in
 * docs/architecture.md); this only keeps a statement that forgets from failing.
 */
function isPreparable(text: string): boolean {
  return /^\s*(select|insert|update|delete|with)\b/i.test(text) && !text.includes(';') && text.length <= MAX_PREPARED_TEXT && !CONFLICT_TARGET_WITH_PARAMETER.test(text)
}

/** `on conflict (…) where …$n… do`: a partial index's predicate given by a parameter. */
const CONFLICT_TARGET_WITH_PARAMETER = /\bon conflict\s*\([^)]*\)\s*where\b(?:(?!\bdo\b)[\s\S])*\$\d/i

/**
 * pg's own conversion of a parameter to the text it sends (Dates, arrays, objects as JSON): the
 * embedded client uses it too, so both engines get the same values. Its module alone, not pg
 * (a portal on the embedded database never loads pg's client and pool: ~2 MB of heap).
 */
export const prepareValue = (createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(value: unknown): unknown }).prepareValue

/** The names one database session prepares its statements under: at most MAX_PREPARED_PER_CONNECTION. */
export class StatementNames {
  readonly #names = new Map<string, string>()

  /**
   * The name `text` is (or is to be) prepared under; undefined for a statement that is not
   * preparable, or once the session keeps its maximum (send it unnamed). The caller checks
   * the session is outside a transaction.
   */
  nameFor(text: string): string | undefined {
    const known = this.#names.get(text)
    if (known !== undefined || this.#names.size >= MAX_PREPARED_PER_CONNECTION || !isPreparable(text)) return known
    const name = `p_${crypto.createHash('sha256').update(text).digest('base64url').slice(0, 24)}`
    this.#names.set(text, name)
    return name
  }

  /**
   * A new name for `text`, whose statement prepared as `stale` a migration made stale; used
   * from now on. Statements that failed under `stale` at the same time all get the same one.
   */
  renew(text: string, stale: string): string {
    const current = this.#names.get(text)
    if (current !== undefined && current !== stale) return current
    const name = `${stale.replace(/_r\d+$/, '')}_r${++this.#renewals}`
    this.#names.set(text, name)
    return name
  }

  #renewals = 0
}
