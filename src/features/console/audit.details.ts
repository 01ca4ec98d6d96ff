import { isMessageKey, type Lang, type MessageKey, type Translate } from '../../i18n/i18n.ts'
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
  employer: 'console.roleEmployer',
  officer: 'console.roleOfficer',
  administrator: 'console.roleAdministrator',
}
const MATCH_ELEMENTS: Record<string, MessageKey> = {
  offerNumber: 'consoleWork.matching.offerNumber',
  passportNumber: 'consoleWork.matching.passportNumber',
  citizenship: 'consoleWork.matching.citizenship',
}
const CORRECTED_FIELDS: Record<string, MessageKey> = { exemptionCode: 'consoleWork.offer.exemptionCode', passportNumber: 'consoleWork.offer.passportNumber' }
/**
 * Details whose value is a code of ours: the catalog key of its words (the code itself is shown
 * when there is none, as for a value written before it had words). `action` tells one reason from another.
 */
const CODE_WORDS: Record<string, (code: string, action: string) => string | undefined> = {
  role: (v) => ROLE_WORDS[v],
  section: (v) => `offers.s_${v}`,
  feeExemption: (v) => `offers.fee_${v}`,
  elements: (v) => MATCH_ELEMENTS[v],
  fee: (v) => `consoleWork.inspection.matchFee.${v}`,
  field: (v) => CORRECTED_FIELDS[v],
  purposeType: (v) => `console.auditObjects.${v}`,
  gateway: (v) => `console.auditGateways.${v}`,
  audience: (v) => `console.auditAudiences.${v}`,
  status: (v, action) => (action.startsWith('problem_report.') ? `consoleAdmin.problems.${v === 'new' ? 'statusNew' : v === 'in_progress' ? 'statusInProgress' : 'statusResolved'}` : undefined),
  reason: (v, action) => (action.startsWith('payment.refund') ? `payment.refundReasons.${v}` : action === 'enrolment.refused' ? `enrolment.reasons.${v}` : undefined),
}
/** Objects with a console page of their own, by type: where the "On" column links. */
const OBJECT_PAGES: Record<string, string> = {
  offer: 'offers',
  business: 'employers',
  enrolment_request: 'enrolments',
  primary_transfer_request: 'transfers',
  pin_reset_request: 'pin-resets',
  reactivation_request: 'reactivations',
  inspection_export: 'exports',
}
const OBJECT_TYPES = new Set(Object.keys(catalog.en.auditObjects))
/** Details are shown in the catalog's order (PostgreSQL's jsonb keeps its own: shortest key first), "before" ahead of "after". */
const DETAIL_ORDER = new Map(Object.keys(catalog.en.auditDetails).map((k, i) => [k, i]))
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/

export type AuditNames = {
  people: Map<string, string>
  branches: Map<string, string>
  /** Offers by id: their number (none for a draft) and whether the console has a page for them (not a draft). */
  offers: Map<string, { number: string | null; draft: boolean }>
  businesses: Map<string, string>
  /** Payments by id: the offer each paid for. */
  payments: Map<string, string>
}

/** An action in the reader's language (the code itself for one that has no words, written before they existed). */
export function actionWords(t: Translate, action: string): string {
  const key = ACTION_LABELS[action]
  return key ? t(key) : action
}

/** Everyone, every branch, offer, business and payment the rows' actors, details and objects name by id: a statement for each kind named. */
export async function namesIn(
  db: DbOrTrx,
  rows: ReadonlyArray<{ details: unknown; object_type: string | null; object_id: string | null; actor_user_id?: string | null }>,
): Promise<AuditNames> {
  const people = new Set<string>()
  const branches = new Set<string>()
  const offers = new Set<string>()
  const businesses = new Set<string>()
  const payments = new Set<string>()
  for (const r of rows) {
    if (r.actor_user_id) people.add(r.actor_user_id)
    const object = r.object_id && isUuid(r.object_id) ? r.object_id : undefined
    if (object && (r.object_type === 'user' || r.object_type === 'app_user')) people.add(object)
    if (object && r.object_type === 'offer') offers.add(object)
    if (object && r.object_type === 'business') businesses.add(object)
    if (object && r.object_type === 'payment') payments.add(object)
    if (object && r.object_type === 'branch') branches.add(object)
    const d = (r.details ?? {}) as Record<string, unknown>
    for (const [k, v] of Object.entries(d)) {
      const ids = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && isUuid(x))
      if (PERSON_KEYS.has(k)) ids.forEach((id) => people.add(id))
      else if (isBranchKey(k)) ids.forEach((id) => branches.add(id))
      else if (k === 'purposeId' && d.purposeType === 'offer') ids.forEach((id) => offers.add(id))
    }
  }
  const names: AuditNames = { people: new Map(), branches: new Map(), offers: new Map(), businesses: new Map(), payments: new Map() }
  if (payments.size) {
    for (const p of await db.selectFrom('payment').select(['id', 'purpose_id']).where('id', 'in', [...payments]).where('purpose_type', '=', 'offer').execute()) {
      names.payments.set(p.id, p.purpose_id)
      offers.add(p.purpose_id)
    }
  }
  if (offers.size) {
    for (const o of await db.selectFrom('offer').select(['id', 'offer_number', 'status']).where('id', 'in', [...offers]).execute()) names.offers.set(o.id, { number: o.offer_number, draft: o.status === 'draft' })
  }
  if (businesses.size) {
    for (const b of await db.selectFrom('business').select(['id', 'legal_name']).where('id', 'in', [...businesses]).execute()) names.businesses.set(b.id, b.legal_name)
  }
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

function valueWords(t: Translate, lang: Lang, timeZone: string, names: AuditNames, key: string, value: unknown, action: string): string {
  if (value === null || value === undefined || value === '') return '—'
  if (Array.isArray(value)) return value.map((v) => valueWords(t, lang, timeZone, names, key, v, action)).join(', ') || '—'
  if (typeof value === 'boolean') return value ? t('console.auditYes') : t('console.auditNo')
  if (typeof value === 'number') return MONEY_KEYS.has(key) ? formatMoney(value, lang) : new Intl.NumberFormat(lang === 'fr' ? 'fr-CA' : 'en-CA').format(value)
  if (typeof value !== 'string') return JSON.stringify(value)
  if (PERSON_KEYS.has(key)) return names.people.get(value) ?? value
  if (isBranchKey(key)) return names.branches.get(value) ?? value
  const coded = CODE_WORDS[key]?.(value, action)
  if (coded && isMessageKey(coded)) return t(coded)
  if (key === 'purposeId') return names.offers.get(value)?.number ?? value
  if (key === 'businessNumber') return formatBusinessNumber(value)
  if (ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value))) return formatInZone(lang, new Date(value), timeZone, 'listed')
  if (ISO_DAY.test(value)) return formatDay(lang, value)
  return value
}

/** A row's details as facts ("Reason: …"), in the order officers read them. */
export function detailFacts(t: Translate, lang: Lang, timeZone: string, names: AuditNames, details: unknown, action = ''): string[] {
  const rank = (k: string) => DETAIL_ORDER.get(k) ?? DETAIL_ORDER.size
  const entries = Object.entries((details ?? {}) as Record<string, unknown>).sort(([a], [b]) => rank(a) - rank(b))
  return entries.map(([k, v]) => {
    const label = DETAIL_ORDER.has(k) ? t(`console.auditDetails.${k as keyof typeof catalog.en.auditDetails}`) : k
    return t('console.auditDetailPair', { label, value: valueWords(t, lang, timeZone, names, k, v, action) })
  })
}

/** A row's details as facts, one per line; nothing for none. */
export function detailsWords(t: Translate, lang: Lang, timeZone: string, names: AuditNames, details: unknown, action = ''): Html | '' {
  const facts = detailFacts(t, lang, timeZone, names, details, action)
  return facts.length ? html`<ul class="list-compact">${facts.map((f) => html`<li>${f}</li>`)}</ul>` : ''
}

/** Who acted, in words: a person by name (and username), the portal itself for its scheduled jobs, or someone not signed in. */
export function actorWords(t: Translate, names: AuditNames, row: { actor_user_id: string | null; actor_label: string }): string {
  const named = row.actor_user_id ? names.people.get(row.actor_user_id) : undefined
  if (named) return named
  if (row.actor_label === 'system') return t('console.auditActorSystem')
  if (row.actor_label === 'anonymous') return t('console.auditActorAnonymous')
  return row.actor_label
}

/**
 * What the entry is about, in words ("Offer A1234567", "Account Ada Lovelace (ada)", "Payment for offer A1234567"),
 * and its console page (after `/{lang}/console/`) where it has one.
 */
export function objectOf(t: Translate, names: AuditNames, type: string | null, id: string | null): { text: string; path?: string } {
  if (!type) return { text: id ?? '' }
  const kind = OBJECT_TYPES.has(type) ? t(`console.auditObjects.${type as keyof typeof catalog.en.auditObjects}`) : type
  if (!id) return { text: kind }
  switch (type) {
    case 'user':
    case 'app_user':
      return { text: `${kind} ${names.people.get(id) ?? id}` }
    case 'branch':
      return { text: `${kind} ${names.branches.get(id) ?? id}` }
    case 'business': {
      const name = names.businesses.get(id)
      return name ? { text: `${kind} ${name}`, path: `employers/${id}` } : { text: `${kind} ${id}` }
    }
    case 'offer': {
      const offer = names.offers.get(id)
      if (!offer) return { text: `${kind} ${id}` }
      const text = offer.number ? `${kind} ${offer.number}` : t('console.auditDraftOffer')
      return offer.draft ? { text } : { text, path: `offers/${id}` }
    }
    case 'payment': {
      const offerId = names.payments.get(id)
      const offer = offerId ? names.offers.get(offerId) : undefined
      if (!offerId || !offer) return { text: `${kind} ${id}` }
      const text = offer.number ? t('console.auditPaymentFor', { offerNumber: offer.number }) : t('console.auditPaymentForDraft')
      return offer.draft ? { text } : { text, path: `offers/${offerId}` }
    }
    default:
      return OBJECT_PAGES[type] ? { text: kind, path: `${OBJECT_PAGES[type]}/${id}` } : { text: `${kind} ${id}` }
  }
}

/** `objectOf` on a page: a link to its console page where it has one. */
export function objectWords(t: Translate, lang: Lang, names: AuditNames, type: string | null, id: string | null): Html | string {
  const o = objectOf(t, names, type, id)
  return o.path ? html`<a href="/${lang}/console/${o.path}">${o.text}</a>` : o.text
}
