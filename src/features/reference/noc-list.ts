import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import type { Lang } from '../../i18n/i18n.ts'

/**
 * The NOC 2021 unit groups the portal knows, in memory, for checks that cannot wait for the
 * database (a form's fields are checked synchronously, by the pages and the API alike): the
 * shipped list (read once, at the first lookup), plus what the database held at start and what
 * an import in this process added (`rememberOccupations`, called by noc.service.ts). A list
 * imported by another process (`npm run portal -- noc import`) is known here from the next start.
 */

export interface KnownOccupation {
  code: string
  title_en: string
  title_fr: string
  teer: number
}

const SHIPPED = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data', 'noc_2021.csv')

let known: Map<string, KnownOccupation> | undefined

function index(): Map<string, KnownOccupation> {
  if (known) return known
  known = new Map()
  const rows = parse(fs.readFileSync(SHIPPED, 'utf8').replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>
  for (const r of rows) {
    const code = (r.code ?? '').trim()
    if (/^\d{5}$/.test(code) && r.title_en && r.title_fr) known.set(code, { code, title_en: r.title_en.trim(), title_fr: r.title_fr.trim(), teer: Number(code[1]) })
  }
  return known
}

/** Adds (or updates) occupations the database holds, so a list imported since the release is known too. */
export function rememberOccupations(rows: ReadonlyArray<{ code: string; title_en: string; title_fr: string; teer: number }>): void {
  const map = index()
  for (const r of rows) map.set(r.code, { code: r.code, title_en: r.title_en, title_fr: r.title_fr, teer: r.teer })
}

/** The NOC 2021 unit group with this five-digit code, when it is in the list. */
export function knownOccupation(code: string): KnownOccupation | undefined {
  return index().get(code.trim())
}

/** The occupation's title in `lang`. */
export const occupationTitle = (o: KnownOccupation, lang: Lang): string => (lang === 'fr' ? o.title_fr : o.title_en)
