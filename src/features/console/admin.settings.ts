import type { DbOrTrx } from '../../platform/audit.ts'

/**
 * Settings administrators change, one JSON value per key in `console_setting`:
 * the employer compliance fee (overriding FEE_CENTS) and the help page's content.
 */
export const FEE_KEY = 'feeCents'
export const HELP_KEY = 'helpContent'
export const MAX_FEE_CENTS = 1_000_000

/** The fee to charge now: the administrators' setting, else the configured default. */
export async function currentFeeCents(db: DbOrTrx, defaultCents: number): Promise<number> {
  const row = await db.selectFrom('console_setting').select('value').where('key', '=', FEE_KEY).executeTakeFirst()
  const v = row?.value
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_FEE_CENTS ? v : defaultCents
}

export async function feeSetting(db: DbOrTrx): Promise<{ cents: number; updatedAt: Date } | undefined> {
  const row = await db.selectFrom('console_setting').select(['value', 'updated_at']).where('key', '=', FEE_KEY).executeTakeFirst()
  return row && typeof row.value === 'number' ? { cents: row.value, updatedAt: row.updated_at } : undefined
}

export async function putSetting(db: DbOrTrx, key: string, value: unknown, by: string, now: Date): Promise<void> {
  await db
    .insertInto('console_setting')
    .values({ key, value: JSON.stringify(value), updated_by: by, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_by: by, updated_at: now }))
    .execute()
}

export async function deleteSetting(db: DbOrTrx, key: string): Promise<void> {
  await db.deleteFrom('console_setting').where('key', '=', key).execute()
}

export interface HelpContent {
  en: string
  fr: string
}

export async function helpContent(db: DbOrTrx): Promise<HelpContent> {
  const row = await db.selectFrom('console_setting').select('value').where('key', '=', HELP_KEY).executeTakeFirst()
  const v = (row?.value ?? {}) as Partial<HelpContent>
  return { en: typeof v.en === 'string' ? v.en : '', fr: typeof v.fr === 'string' ? v.fr : '' }
}
