import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import pg from 'pg'
import { buildRowsWithLiterals } from './pg-rows.ts'
import { typeParser } from './type-parsers.ts'

interface Field {
  name: string
  dataTypeID: number
  format?: string
}
type ResultLike = { addFields(f: Field[]): void; parseRow(v: Array<string | null>): Record<string, unknown>; fields: Field[] }
const Result = (pg as unknown as { Result: new (rowMode?: string, types?: unknown) => ResultLike }).Result

const TEXT = 25
const INT4 = 23
const INT8 = 20
const BOOL = 16
const TIMESTAMPTZ = 1184
const JSONB = 3802

/** Statements' answers: columns and rows, with nulls, repeated and awkward names, and our parsers and pg's. */
const answers: Array<{ fields: Field[]; rows: Array<Array<string | null>>; types?: unknown }> = [
  {
    fields: [
      { name: 'id', dataTypeID: TEXT },
      { name: 'n', dataTypeID: INT4 },
      { name: 'total', dataTypeID: INT8 },
      { name: 'ok', dataTypeID: BOOL },
      { name: 'at', dataTypeID: TIMESTAMPTZ },
      { name: 'params', dataTypeID: JSONB },
    ],
    rows: [
      ['a', '5', '12345678901', 't', '2026-11-25 09:00:00.123+00', '{"name":"Ana"}'],
      [null, null, null, null, null, null],
    ],
    types: { getTypeParser: typeParser },
  },
  {
    // A repeated name keeps its first place and its last value; quotes, a backslash, a line
    // break, non-ASCII, an integer-like name and __proto__ stay plain own properties.
    fields: ['id', 'n', 'id', 'say "hi"\\', 'line\nbreak', 'é', '7', '__proto__', 'constructor'].map((name) => ({ name, dataTypeID: TEXT })),
    rows: [['first', '1', 'last', 'q', 'l', 'e', 'seven', 'proto', 'ctor']],
  },
  // Binary answers (never asked for by the portal) stay pg's.
  { fields: [{ name: 'b', dataTypeID: 17, format: 'binary' }, { name: 't', dataTypeID: TEXT, format: 'text' }], rows: [['\u0001\u0002', 'x']] },
  { fields: [], rows: [] },
]

function rowsOf(answer: (typeof answers)[number], rowMode?: string) {
  const result = new Result(rowMode, answer.types)
  result.addFields(answer.fields)
  return answer.rows.map((values) => result.parseRow(values))
}

/** A row as everything about it that can be seen: keys in order, values, prototype, own properties. */
const described = (row: Record<string, unknown> | unknown[]) => ({
  keys: Reflect.ownKeys(row),
  entries: Object.entries(row),
  prototype: Object.getPrototypeOf(row),
  descriptors: Object.getOwnPropertyDescriptors(row),
})

describe('rows built by compiled literals (pg-rows.ts)', () => {
  // Run in a process of its own (node --test): pg's own rows are read before it is installed.
  const pgRows = answers.map((a) => rowsOf(a).map(described))
  const pgArrays = answers.map((a) => rowsOf(a, 'array'))
  buildRowsWithLiterals()
  buildRowsWithLiterals()

  it('are the rows pg builds, key for key and value for value', () => {
    assert.deepEqual(
      answers.map((a) => rowsOf(a).map(described)),
      pgRows,
    )
  })

  it('keep pg’s meaning for repeated and awkward names', () => {
    const [row] = rowsOf(answers[1]!)
    assert.deepEqual(Object.keys(row!), ['7', 'id', 'n', 'say "hi"\\', 'line\nbreak', 'é', '__proto__', 'constructor'])
    assert.equal(row!.id, 'last')
    assert.equal(Object.getPrototypeOf(row), Object.prototype)
    assert.equal(Object.getOwnPropertyDescriptor(row, '__proto__')?.value, 'proto')
  })

  it('parse with the statement’s parsers', () => {
    const [row, empty] = rowsOf(answers[0]!)
    assert.deepEqual(row, { id: 'a', n: 5, total: 12345678901, ok: true, at: new Date('2026-11-25T09:00:00.123Z'), params: { name: 'Ana' } })
    assert.ok(Object.values(empty!).every((v) => v === null))
  })

  it('leave array rows to pg', () => {
    assert.deepEqual(
      answers.map((a) => rowsOf(a, 'array')),
      pgArrays,
    )
  })
})
