import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import type { Db } from '../../db/connect.ts'
import type { Lang } from '../../i18n/i18n.ts'
import {
  allOccupations,
  countOccupations,
  occupationByCode,
  occupationsByCodePrefix,
  occupationsByTitle,
  titleQuery,
  upsertOccupations,
} from './reference.repository.ts'
import { rememberOccupations } from './noc-list.ts'
import type { NewNocOccupation, NocOccupation } from './reference.tables.ts'

/** The NOC 2021 list the portal ships (Statistics Canada; see data/README.md). */
export const SHIPPED_NOC_CSV = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data', 'noc_2021.csv')

export const NOC_COLUMNS = ['code', 'title_en', 'title_fr', 'teer', 'broad_category', 'major_group'] as const

// ---------------------------------------------------------------------------
// Lookups

export type OccupationLookup = (NocOccupation & { known: true }) | { code: string; teer: number; known: false }

export function isNocCode(code: string): boolean {
  return /^\d{5}$/.test(code)
}

/**
 * The occupation with this code; for a well-formed five-digit code not in the
 * list (such as 88888 for entrepreneurs) the TEER read from its second digit and
 * `known: false`; undefined when the code is not five digits.
 */
export async function findOccupation(db: Db, code: string): Promise<OccupationLookup | undefined> {
  const c = code.trim()
  if (!isNocCode(c)) return undefined
  const row = await occupationByCode(db, c)
  if (row) return { ...row, known: true }
  return { code: c, teer: Number(c[1]), known: false }
}

/**
 * Occupations matching what a person typed: a code prefix ("2123" → 21230, 21231...)
 * or words of the title in `lang`, each a word prefix, accents and case ignored
 * ("electr ingen" finds "Ingénieurs électriciens et électroniciens").
 */
export async function searchOccupations(db: Db, query: string, lang: Lang, limit = 20): Promise<NocOccupation[]> {
  const q = query.trim()
  const max = Math.max(1, Math.min(limit, 100))
  if (/^\d{1,5}$/.test(q)) return occupationsByCodePrefix(db, q, max)
  const tsquery = titleQuery(q)
  if (!tsquery) return []
  return occupationsByTitle(db, tsquery, lang, max)
}

// ---------------------------------------------------------------------------
// Import

export interface RejectedRow {
  /** Line in the file (the header is line 1). */
  line: number
  reasons: string[]
}

export interface ImportReport {
  read: number
  added: number
  updated: number
  unchanged: number
  rejected: RejectedRow[]
}

export class NocImportError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'NocImportError'
  }
}

interface ParsedRow {
  record: Record<string, string | undefined>
  line: number
  columns: number
}

function parseCsv(text: string): { header: string[]; rows: ParsedRow[] } {
  let records: Array<{ record: string[]; info: { lines: number } }>
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>
  } catch (err) {
    const e = err as Error & { lines?: number }
    throw new NocImportError(`The file is not valid CSV${e.lines ? ` (line ${e.lines})` : ''}: ${e.message}`)
  }
  const [first, ...rest] = records
  if (!first) throw new NocImportError('The file is empty.')
  const header = first.record.map((h) => h.trim().toLowerCase())
  const missing = NOC_COLUMNS.filter((c) => !header.includes(c))
  if (missing.length) {
    throw new NocImportError(`The header must name the columns ${NOC_COLUMNS.join(',')}; missing: ${missing.join(', ')}.`)
  }
  const rows = rest.map(({ record, info }) => ({
    record: Object.fromEntries(header.map((h, i) => [h, record[i]])),
    line: info.lines,
    columns: record.length,
  }))
  return { header, rows }
}

function validateRow(r: ParsedRow, width: number): { row?: NewNocOccupation; reasons: string[] } {
  const reasons: string[] = []
  if (r.columns !== width) reasons.push(`expected ${width} fields, found ${r.columns}`)
  const get = (k: string) => (r.record[k] ?? '').trim()
  const code = get('code')
  const titleEn = get('title_en')
  const titleFr = get('title_fr')
  const teer = get('teer')
  const broad = get('broad_category')
  const major = get('major_group')
  if (!/^\d{5}$/.test(code)) reasons.push(`code "${code}" is not five digits`)
  if (!titleEn) reasons.push('title_en is empty')
  else if (titleEn.length > 300) reasons.push('title_en is longer than 300 characters')
  if (!titleFr) reasons.push('title_fr is empty')
  else if (titleFr.length > 300) reasons.push('title_fr is longer than 300 characters')
  if (!/^[0-5]$/.test(teer)) reasons.push(`teer "${teer}" is not 0 to 5`)
  else if (/^\d{5}$/.test(code) && code[1] !== teer) reasons.push(`teer ${teer} does not match the code's second digit (${code[1]})`)
  if (!broad) reasons.push('broad_category is empty')
  if (!/^\d{2}$/.test(major)) reasons.push(`major_group "${major}" is not two digits`)
  else if (/^\d{5}$/.test(code) && !code.startsWith(major)) reasons.push(`major_group ${major} does not match the code's first two digits`)
  if (reasons.length) return { reasons }
  return {
    reasons,
    row: { code, title_en: titleEn, title_fr: titleFr, teer: Number(teer), broad_category: broad, major_group: major },
  }
}

const same = (a: NocOccupation, b: NewNocOccupation) =>
  a.title_en === b.title_en && a.title_fr === b.title_fr && a.teer === b.teer && a.broad_category === b.broad_category && a.major_group === b.major_group

/**
 * Imports Statistics Canada's NOC 2021 CSV (`code,title_en,title_fr,teer,broad_category,major_group`):
 * valid rows are inserted or updated by code (importing the same file twice changes
 * nothing), malformed rows are reported with their line number and skipped. The
 * whole import is one transaction. Rows missing from the file are kept: codes
 * already used by offers must stay resolvable.
 */
export async function importNocCsv(db: Db, csvText: string): Promise<ImportReport> {
  const { header, rows } = parseCsv(csvText)
  const rejected: RejectedRow[] = []
  const valid = new Map<string, NewNocOccupation>()
  const firstLine = new Map<string, number>()
  for (const r of rows) {
    const { row, reasons } = validateRow(r, header.length)
    if (row && valid.has(row.code)) reasons.push(`code ${row.code} already appears on line ${firstLine.get(row.code)}`)
    if (!row || reasons.length) {
      rejected.push({ line: r.line, reasons })
      continue
    }
    valid.set(row.code, row)
    firstLine.set(row.code, r.line)
  }
  const report = await db.transaction().execute(async (trx) => {
    const existing = new Map((await allOccupations(trx)).map((o) => [o.code, o]))
    let added = 0
    let updated = 0
    let unchanged = 0
    const changes: NewNocOccupation[] = []
    for (const row of valid.values()) {
      const before = existing.get(row.code)
      if (!before) added++
      else if (same(before, row)) {
        unchanged++
        continue
      } else updated++
      changes.push(row)
    }
    await upsertOccupations(trx, changes)
    return { read: rows.length, added, updated, unchanged, rejected }
  })
  // The offer form checks codes against the list in memory: what was imported is known at once.
  rememberOccupations([...valid.values()].map((r) => ({ code: r.code, title_en: r.title_en, title_fr: r.title_fr, teer: r.teer })))
  return report
}

export async function importNocFile(db: Db, file: string): Promise<ImportReport> {
  return importNocCsv(db, await fs.readFile(file, 'utf8'))
}

/**
 * At start: loads the shipped list when the table is empty. Returns the report, or undefined when nothing was done.
 * Either way the occupations the table holds are then known to the offer form's checks (noc-list.ts).
 */
export async function loadNocIfEmpty(db: Db, file = SHIPPED_NOC_CSV): Promise<ImportReport | undefined> {
  if ((await countOccupations(db)) > 0) {
    rememberOccupations(await allOccupations(db))
    return undefined
  }
  return importNocFile(db, file)
}

/** One line a person can read: "516 rows read: 516 added, 0 updated, 0 unchanged, 0 rejected." */
export function describeImport(r: ImportReport): string {
  const lines = [`${r.read} rows read: ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged, ${r.rejected.length} rejected.`]
  for (const x of r.rejected) lines.push(`  line ${x.line}: ${x.reasons.join('; ')}`)
  return lines.join('\n')
}
