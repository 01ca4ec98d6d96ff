import type { Lang, MessageKey, Translate } from '../../i18n/i18n.ts'
import type { DbOrTrx } from '../../platform/audit.ts'
import { formatDay, formatInZone } from '../../platform/dates.ts'
import { html, type Html } from '../../platform/html.ts'
import { isUuid } from '../../platform/ids.ts'
import { ACTION_LABELS } from '../access/business-audit.ts'
import { fullName } from '../auth/users.repository.ts'
import { formatBusinessNumber, formatMoney } from '../reference/validators.ts'
import catalog from './console.messages.ts'

/**
 * The audit trail in words: an action's name (ACTION_LABELS, the one list a business's trail
 * reads too), its details as "label: value" facts, and the people and branches its ids name
 * (looked up once per page). audit.details.test.ts finds any detail the code writes without words.
 */

/** Details whose value is a person's id (or a list of them): shown as their name and username. */
const PERSON_KEYS = new Set(['userId', 'fromUserId', 'toUserId', 'newPrimary', 'previousPrimary', 'officerId'])
/** Details whose value is a branch's id: shown as its name. */
const isBranchKey = (key: string) => key === 'branchId' || key.endsWith('BranchId')
/** Amounts in cents. */
const MONEY_KEYS = new Set(['amountCents', 'fromCents', 'toCents'])
const ROLE_WORDS: Record<string, MessageKey> = {
  primary: 'access.typePrimary',
  branch_primary: 'access.typeBranchPrimary',
  secondary: 'access.typeSecondary',
  officer: 'console.roleOfficer',
  administrator: 'console.roleAdministrator',
}
const OBJECT_TYPES = new Set(Object.keys(catalog.en.auditObjects))
/** Details are shown in the catalog's order (PostgreSQL's jsonb keeps its own: shortest key first), "before" ahead of "after". */
const DETAIL_ORDER = new Map(Object.keys(catalog.en.auditDetails).map((k, i) => [k, i]))
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/

export type AuditNames = { people: Map<string, string>; branches: Map<string, string> }

/** An action in the reader's language (the code itself for one that has no words, written before they existed). */
export function actionWords(t: Translate, action: string): string {
  const key = ACTION_LABELS[action]
  return key ? t(key) : action
}

/** Everyone and every branch the rows' details (and objects) name by id, in two statements. */
export async function namesIn(db: DbOrTrx, rows: ReadonlyArray<{ details: unknown; object_type: string | null; object_id: string | null }>): Promise<AuditNames> {
  const people = new Set<string>()
  const branches = new Set<string>()
  for (const r of rows) {
    if ((r.object_type === 'user' || r.object_type === 'app_user') && r.object_id && isUuid(r.object_id)) people.add(r.object_id)
    const d = (r.details ?? {}) as Record<string, unknown>
    for (const [k, v] of Object.entries(d)) {
      const ids = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && isUuid(x))
      if (PERSON_KEYS.has(k)) ids.forEach((id) => people.add(id))
      else if (isBranchKey(k)) ids.forEach((id) => branches.add(id))
    }
  }
  const names: AuditNames = { people: new Map(), branches: new Map() }
  if (people.size) {
    for (const u of await db.selectFrom('app_user').select(['id', 'username', 'given_name', 'family_name']).where('id', 'in', [...people]).execute()) {
      const name = fullName(u)
      names.people.set(u.id, name === u.username ? u.username : `${name} (${u.username})`)
    }
  }
  if (branches.size) {
    for (const b of await db.selectFrom('branch').select(['id', 'name']).where('id', 'in', [...branches]).execute()) names.branches.set(b.id, b.name)
  }
  return names
}

function valueWords(t: Translate, lang: Lang, timeZone: string, names: AuditNames, key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (Array.isArray(value)) return value.map((v) => valueWords(t, lang, timeZone, names, key, v)).join(', ') || '—'
  if (typeof value === 'boolean') return value ? t('console.auditYes') : t('console.auditNo')
  if (typeof value === 'number') return MONEY_KEYS.has(key) ? formatMoney(value, lang) : new Intl.NumberFormat(lang === 'fr' ? 'fr-CA' : 'en-CA').format(value)
  if (typeof value !== 'string') return JSON.stringify(value)
  if (PERSON_KEYS.has(key)) return names.people.get(value) ?? value
  if (isBranchKey(key)) return names.branches.get(value) ?? value
  if (key === 'role' && ROLE_WORDS[value]) return t(ROLE_WORDS[value])
  if (key === 'businessNumber') return formatBusinessNumber(value)
  if (ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value))) return formatInZone(lang, new Date(value), timeZone, 'listed')
  if (ISO_DAY.test(value)) return formatDay(lang, value)
  return value
}

/** A row's details as facts, one per line ("Reason: …"); nothing for none. */
export function detailsWords(t: Translate, lang: Lang, timeZone: string, names: AuditNames, details: unknown): Html | '' {
  const rank = (k: string) => DETAIL_ORDER.get(k) ?? DETAIL_ORDER.size
  const entries = Object.entries((details ?? {}) as Record<string, unknown>).sort(([a], [b]) => rank(a) - rank(b))
  if (entries.length === 0) return ''
  return html`<ul class="list-compact">${entries.map(([k, v]) => {
    const label = DETAIL_ORDER.has(k) ? t(`console.auditDetails.${k as keyof typeof catalog.en.auditDetails}`) : k
    return html`<li>${t('console.auditDetailPair', { label, value: valueWords(t, lang, timeZone, names, k, v) })}</li>`
  })}</ul>`
}

/** What the entry is about, in words ("Offer 3f2…", "Account Ada Lovelace (ada)"). */
export function objectWords(t: Translate, names: AuditNames, type: string | null, id: string | null): string {
  if (!type) return id ?? ''
  const kind = OBJECT_TYPES.has(type) ? t(`console.auditObjects.${type as keyof typeof catalog.en.auditObjects}`) : type
  const named = id && (type === 'user' || type === 'app_user') ? names.people.get(id) : undefined
  return [kind, named ?? id ?? ''].filter(Boolean).join(' ')
}
