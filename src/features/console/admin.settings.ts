import type { DbOrTrx } from '../../platform/audit.ts'
import { joinedFullName } from '../auth/users.repository.ts'

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

/** The administrators' fee, when one is set: the amount, when, and the administrator who set it (by name). */
export async function feeSetting(db: DbOrTrx): Promise<{ cents: number; updatedAt: Date; updatedBy: string | undefined } | undefined> {
  const row = await db
    .selectFrom('console_setting')
    .leftJoin('app_user', 'app_user.id', 'console_setting.updated_by')
    .select(['console_setting.value', 'console_setting.updated_at', 'app_user.given_name', 'app_user.family_name', 'app_user.username'])
    .where('console_setting.key', '=', FEE_KEY)
    .executeTakeFirst()
  return row && typeof row.value === 'number' ? { cents: row.value, updatedAt: row.updated_at, updatedBy: joinedFullName(row.given_name, row.family_name, row.username) } : undefined
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
