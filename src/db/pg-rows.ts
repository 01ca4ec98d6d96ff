import pg from 'pg'
import { BoundedMap } from '../platform/bounded-map.ts'

type Parser = (text: string) => unknown
interface FieldDescription {
  name: string
  dataTypeID: number
  format?: string
}
/** A row's object from its columns' texts: one object literal per set of column names. */
type RowBuilder = (values: ReadonlyArray<string | null>, parsers: readonly Parser[]) => Record<string, unknown>

/** The parts of pg's Result (lib/result.js) that turn a statement's answer into rows. */
interface PgResult {
  fields: FieldDescription[]
  _parsers: Parser[] | undefined
  _types: { getTypeParser(oid: number, format: string): Parser } | undefined
  /** pg's: `rowMode: 'array'`, whose own parseRow (set on the instance) reads only `_parsers`. */
  rowAsArray: boolean
  /** Ours: this answer's row builder; undefined when pg's own parseRow builds its rows. */
  _buildRow?: RowBuilder
  addFields(fields: FieldDescription[]): void
  parseRow(values: ReadonlyArray<string | null>): Record<string, unknown>
}

const builders = new BoundedMap<string, RowBuilder>(500)

/**
 * `{ "id": v[0] === null ? null : p[0](v[0]), … }`: the names are the server's column names,
 * each written as a JSON string (`__proto__` as a computed key, an own property as pg makes
 * it). A repeated name keeps its first place and its last value, as pg's assignments do.
 */
function compileBuilder(names: readonly string[]): RowBuilder {
  const properties = names.map((name, i) => {
    const key = name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name)
    return `${key}: v[${i}] === null ? null : p[${i}](v[${i}])`
  })
  return new Function('v', 'p', `return { ${properties.join(', ')} }`) as RowBuilder
}

function builderFor(fields: readonly FieldDescription[]): RowBuilder {
  // A column name cannot hold a NUL (PostgreSQL refuses one in any text): a safe separator.
  let key = ''
  for (const f of fields) key += `${f.name}\u0000`
  return builders.remember(key, () => compileBuilder(fields.map((f) => f.name)))
}

let installed = false

/**
 * pg builds each answer's rows the slow way: per statement, an object in dictionary mode
 * with every column, copied by a spread (~3 µs for 12 columns, ~6 µs for 30); per row, a
 * spread of that object and an assignment per column through a key that changes from
 * statement to statement. On a PostgreSQL page that was ~8 % of the portal's CPU
 * (docs/performance.md, session 22). Installed, a statement's rows are built by an object
 * literal compiled once per set of column names: the same rows (same keys in the same order,
 * same values from the same parsers), built in a fraction of the time. Answers in binary
 * format (never asked for here) and pg's array rows (`rowMode: 'array'`, which set their own
 * `parseRow`) are left to pg. Idempotent; the PostgreSQL engine installs it when it opens.
 */
export function buildRowsWithLiterals(): void {
  if (installed) return
  installed = true
  const Result = (pg as unknown as { Result: { prototype: PgResult } }).Result
  const pgAddFields = Result.prototype.addFields
  const pgParseRow = Result.prototype.parseRow
  Result.prototype.addFields = function (this: PgResult, fields: FieldDescription[]) {
    if (fields.some((f) => f.format === 'binary')) {
      this._buildRow = undefined
      pgAddFields.call(this, fields)
      return
    }
    this.fields = fields
    const types = this._types ?? (pg.types as unknown as NonNullable<PgResult['_types']>)
    const parsers: Parser[] = new Array(fields.length)
    for (let i = 0; i < fields.length; i++) parsers[i] = types.getTypeParser(fields[i]!.dataTypeID, fields[i]!.format || 'text')
    if (fields.length) this._parsers = parsers
    this._buildRow = this.rowAsArray ? undefined : builderFor(fields)
  }
  Result.prototype.parseRow = function (this: PgResult, values: ReadonlyArray<string | null>) {
    return this._buildRow ? this._buildRow(values, this._parsers!) : pgParseRow.call(this, values)
  }
}
