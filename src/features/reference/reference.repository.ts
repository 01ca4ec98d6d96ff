import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../../db/database.ts'
import type { Lang } from '../../i18n/i18n.ts'
import type { NewNocOccupation, NocOccupation } from './reference.tables.ts'

type Executor = Kysely<Database> | Transaction<Database>

/** Every occupation, by code (for the importer's comparison; 516 rows). */
export async function allOccupations(db: Executor): Promise<NocOccupation[]> {
  return db.selectFrom('noc_occupation').selectAll().orderBy('code').execute()
}

export async function countOccupations(db: Executor): Promise<number> {
  const row = await db.selectFrom('noc_occupation').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Inserts or replaces occupations by code, in batches. */
export async function upsertOccupations(db: Executor, rows: readonly NewNocOccupation[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('noc_occupation')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          title_en: eb.ref('excluded.title_en'),
          title_fr: eb.ref('excluded.title_fr'),
          teer: eb.ref('excluded.teer'),
          broad_category: eb.ref('excluded.broad_category'),
          major_group: eb.ref('excluded.major_group'),
        })),
      )
      .execute()
  }
}

export async function occupationByCode(db: Executor, code: string): Promise<NocOccupation | undefined> {
  return db.selectFrom('noc_occupation').selectAll().where('code', '=', code).executeTakeFirst()
}

/**
 * The same folding as the SQL function `reference_fold` (migration 2026-11-23T0620):
 * the search words must be folded exactly like the indexed titles.
 */
const FOLD_FROM = 'àáâãäåāÀÁÂÃÄÅĀçÇèéêëēÈÉÊËĒìíîïīÌÍÎÏĪñÑòóôõöōÒÓÔÕÖŌùúûüūÙÚÛÜŪýÿÝŸœŒæÆ/-–—\'’,.()'
const FOLD_TO = 'aaaaaaaaaaaaaacceeeeeeeeeeiiiiiiiiiinnoooooooooooouuuuuuuuuuyyyyooaa          '
const foldMap = new Map([...FOLD_FROM].map((c, i) => [c, FOLD_TO[i]!]))

export function referenceFold(text: string): string {
  return [...text].map((c) => foldMap.get(c) ?? c).join('').toLowerCase()
}

/** Search words as a prefix tsquery ("soud electr" → "soud:* & electr:*"); only [a-z0-9] survive. */
export function titleQuery(query: string): string | undefined {
  const words = referenceFold(query.normalize('NFC'))
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
    .slice(0, 8)
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : undefined
}

/** Occupations whose code starts with `prefix` (digits only). */
export async function occupationsByCodePrefix(db: Executor, prefix: string, limit: number): Promise<NocOccupation[]> {
  return db
    .selectFrom('noc_occupation')
    .selectAll()
    .where('code', 'like', `${prefix}%`)
    .orderBy('code')
    .limit(limit)
    .execute()
}

/** Occupations whose title in `lang` has every word of the query as a word prefix (accents and case ignored). */
export async function occupationsByTitle(db: Executor, tsquery: string, lang: Lang, limit: number): Promise<NocOccupation[]> {
  const column = lang === 'fr' ? sql.ref('title_fr') : sql.ref('title_en')
  return db
    .selectFrom('noc_occupation')
    .selectAll()
    .where(sql<boolean>`to_tsvector('simple', reference_fold(${column})) @@ to_tsquery('simple', ${tsquery})`)
    .orderBy(sql`length(${column})`)
    .orderBy('code')
    .limit(limit)
    .execute()
}
