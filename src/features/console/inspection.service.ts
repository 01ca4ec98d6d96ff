import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { DbOrTrx } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { formatDay } from '../../platform/dates.ts'
import { bilingual, inBothLanguages, renderPdf } from '../../platform/pdf.ts'
import { isMessageKey, translate, type Lang, type MessageKey } from '../../i18n/i18n.ts'
import { ACTION_LABELS } from '../access/business-audit.ts'
import { SECTIONS, type FieldDef } from '../offers/offers.sections.ts'
import type { Answers, OfferStatus } from '../offers/offers.tables.ts'
import { answerText, fieldLabel } from '../offers/offers.views.ts'
import { provinceName } from '../reference/lists.ts'
import { formatMoney } from '../reference/validators.ts'
import { refundReasonText } from '../payment/payment.views.ts'
import type { InspectionExport } from './console.tables.ts'
import * as repo from './matching.repository.ts'
import { namesOf } from '../auth/users.repository.ts'

/**
 * Compliance inspection of one employer: every submitted offer still inside its
 * six-year window (issued: until the day before the sixth anniversary of the first day
 * of employment; otherwise six years from submission) with its whole history, and its
 * exports (CSV, bilingual PDF dossier). Exports of more than `inlineLimit` offers are
 * made by the background worker, which records its progress.
 */

export interface DossierEvent {
  at: Date
  kind: string
  /** The person, by name ('' for none). */
  actor: string
  /** Done by the portal itself, not a person (a refund no one asked for): "The portal" in the reader's words. */
  byPortal?: boolean
  /** Without words of ours: values, codes and what people typed (a note, a reason). */
  detail: string
  /** Facts that need words: put into the reader's language by the page, into both by the exports. */
  facts?: DossierFact[]
}

/**
 * A fact of an event, written by `consoleWork.inspection.fact.<kind>` around its value; an
 * amount (in cents) and a refund's reason (its code, and the words of whoever caused it) are
 * written in the reader's own way.
 */
export type DossierFact =
  | { kind: 'ip' | 'firstDay' | 'inspectionUntil' | 'refund'; value: string }
  | { kind: 'amount'; cents: number }
  | { kind: 'refundReason'; reason: string | null; detail: string | null }
  /** A section of the offer saved: each field's label and answer in words ("Province or territory “Alberta”"). */
  | { kind: 'saved'; version: number; section: string; values: Record<string, string | string[]> }
  /** An officer's correction of one field. */
  | { kind: 'corrected'; field: string; from: string; to: string }
  /** The elements of a work permit application that did not agree with the offer. */
  | { kind: 'mismatch'; fields: string[] }
  /** A match refused for the offer's fee (`consoleWork.inspection.matchFee.<value>`): owed, or an exemption under review. */
  | { kind: 'matchFee'; value: string }

export interface DossierOffer {
  id: string
  offerNumber: string
  status: OfferStatus
  workerName: string
  jobTitle: string
  exemptionCode: string
  province: string
  submittedAt: Date | null
  firstDay: string | null
  inspectionUntil: string | null
  outcome: 'issued' | 'refused' | null
  events: DossierEvent[]
}

export interface DossierBusiness {
  id: string
  legal_name: string
  operating_name: string
  business_number: string
  employer_number: string
  street: string
  city: string
  province: string
  postal_code: string
}

/** Who reads a dossier: an officer on a page in their language, or the exports, in both. */
export type Reader = Lang | 'both'

/** Something written in the reader's language, or in both ("English / français") for the exports. */
const inReaders = (reader: Reader, write: (lang: Lang) => string): string => (reader === 'both' ? inBothLanguages(write) : write(reader))

const wordsFor = (reader: Reader) => (key: MessageKey, params?: Record<string, string | number>) => (reader === 'both' ? bilingual(key, params) : translate(reader, key, params))

const MATCH_ELEMENT: Record<string, MessageKey> = {
  offerNumber: 'consoleWork.matching.offerNumber',
  passportNumber: 'consoleWork.matching.passportNumber',
  citizenship: 'consoleWork.matching.citizenship',
}
const CORRECTED_FIELD: Record<string, MessageKey> = { exemptionCode: 'consoleWork.offer.exemptionCode', passportNumber: 'consoleWork.offer.passportNumber' }
const wordsOr = (lang: Lang, key: string, otherwise: string) => (isMessageKey(key) ? translate(lang, key) : otherwise)

/** A saved section in words: its title, its version, and each field's label with the answer as the offer's pages write it. */
function savedText(lang: Lang, f: Extract<DossierFact, { kind: 'saved' }>): string {
  const defs = (SECTIONS as Record<string, FieldDef[] | undefined>)[f.section] ?? []
  // In the form's order (the database keeps an object's keys in an order of its own).
  const rank = (field: string) => {
    const i = defs.findIndex((d) => d.name === field)
    return i === -1 ? defs.length : i
  }
  const values = Object.entries(f.values)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([field, value]) => {
      const def = defs.find((d) => d.name === field)
      const words = def ? answerText(def, value, lang) : [value].flat().join(', ')
      // A field no longer in this section's form (one moved since) still has its label; only an unknown one shows its name.
      const label = wordsOr(lang, fieldLabel(field), field)
      return translate(lang, words ? 'consoleWork.inspection.savedValue' : 'consoleWork.inspection.savedEmpty', { field: label, value: words })
    })
  return translate(lang, 'consoleWork.inspection.saved', { section: wordsOr(lang, `offers.s_${f.section}`, f.section), version: f.version, values: values.join('; ') })
}

/** A fact in words, for its reader. */
export function factText(reader: Reader, f: DossierFact): string {
  switch (f.kind) {
    case 'saved':
      return inReaders(reader, (lang) => savedText(lang, f))
    case 'corrected':
      return inReaders(reader, (lang) =>
        translate(lang, 'consoleWork.offer.correctionRow', { field: CORRECTED_FIELD[f.field] ? translate(lang, CORRECTED_FIELD[f.field]!) : f.field, from: f.from || '—', to: f.to }),
      )
    case 'mismatch':
      return inReaders(reader, (lang) => translate(lang, 'consoleWork.inspection.fact.mismatch', { elements: f.fields.map((x) => (MATCH_ELEMENT[x] ? translate(lang, MATCH_ELEMENT[x]!) : x)).join(', ') }))
    case 'matchFee': {
      const key = `consoleWork.inspection.matchFee.${f.value}`
      return isMessageKey(key) ? inReaders(reader, (lang) => translate(lang, 'consoleWork.inspection.fact.matchFee', { value: translate(lang, key) })) : f.value
    }
    case 'amount':
      return inReaders(reader, (lang) => formatMoney(f.cents, lang))
    case 'refundReason':
      return f.reason || f.detail ? inReaders(reader, (lang) => refundReasonText(lang, { reason: f.reason, reason_detail: f.detail })) : ''
    case 'refund': {
      const key = `consoleWork.inspection.refundState.${f.value}`
      return isMessageKey(key) ? wordsFor(reader)(key) : f.value
    }
    default:
      // A page writes a day in words (as the offer's pages do); the exports keep its ISO form.
      return wordsFor(reader)(`consoleWork.inspection.fact.${f.kind}`, { value: (f.kind === 'firstDay' || f.kind === 'inspectionUntil') && reader !== 'both' ? formatDay(reader, f.value) : f.value })
  }
}

/** An event's detail and its facts, in words. */
export function eventDetail(reader: Reader, e: DossierEvent): string {
  return [e.detail, ...(e.facts ?? []).map((f) => factText(reader, f))].filter(Boolean).join('; ')
}

/** Who did it: a person by name, or the portal itself, in the reader's words ('' for no one known). */
export function actorText(reader: Reader, e: Pick<DossierEvent, 'actor' | 'byPortal'>): string {
  return e.actor || (e.byPortal ? wordsFor(reader)('consoleWork.inspection.byPortal') : '')
}

/** What happened, in words (the business's audit trail's, and the refunds' own); an unknown kind as it is recorded. */
export function eventKindText(reader: Reader, kind: string): string {
  const refund = `consoleWork.inspection.refundEvent.${kind.slice('refund.'.length)}`
  const key = ACTION_LABELS[kind] ?? (kind.startsWith('refund.') && isMessageKey(refund) ? refund : undefined)
  return key ? wordsFor(reader)(key) : kind
}

/**
 * What "Inspection until" says of an offer: the last day of its window once a work permit is
 * issued; otherwise why there is none (the window runs from the first day of employment, which
 * only an issued permit has), never a blank an inspector could read as missing data.
 */
export function inspectionUntilText(reader: Reader, o: Pick<DossierOffer, 'inspectionUntil' | 'outcome' | 'status' | 'submittedAt'>): string {
  // A page writes a day in words; the exports keep its ISO form.
  const day = (d: string) => (reader === 'both' ? d : formatDay(reader, d))
  if (o.inspectionUntil) return day(o.inspectionUntil)
  // Without an issued permit an offer stays in the dossier six years after its submission (dossierOfferIds): that day, and why.
  const date = o.submittedAt ? day(sixYearsAfter(o.submittedAt.toISOString().slice(0, 10))) : '—'
  const words = wordsFor(reader)
  if (o.outcome === 'refused') return words('consoleWork.inspection.untilRefused', { date })
  if (o.status === 'withdrawn') return words('consoleWork.inspection.untilWithdrawn', { date })
  return words('consoleWork.inspection.untilNotIssued', { date })
}

/** The last day an offer submitted on `day` (UTC, as dossierOfferIds reads it) stays in the dossier without an issued permit; 29 February gives 1 March. */
export function sixYearsAfter(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y + 6, m - 1, d)).toISOString().slice(0, 10)
}

/** The first day still inside a six-year window that ends today or later: `today` minus six years. */
export function sixYearsBefore(today: string): string {
  return `${Number(today.slice(0, 4)) - 6}${today.slice(4)}`
}

/** Ids of the employer's offers inside the window, oldest submission first. */
export async function dossierOfferIds(db: DbOrTrx, businessId: string, today: string): Promise<string[]> {
  const rows = await db
    .selectFrom('offer as o')
    .leftJoin('work_permit_decision as d', 'd.offer_id', 'o.id')
    .select('o.id')
    .where('o.business_id', '=', businessId)
    .where('o.status', 'not in', ['draft', 'awaiting_payment'])
    .where((eb) =>
      eb.or([
        eb.and([eb('d.outcome', '=', 'issued'), eb('d.inspection_until', '>=', today)]),
        eb.and([eb.or([eb('d.outcome', 'is', null), eb('d.outcome', '=', 'refused')]), eb(sql`(o.submitted_at at time zone 'UTC')::date`, '>=', sql`${sixYearsBefore(today)}::date`)]),
      ]),
    )
    .orderBy('o.submitted_at')
    .orderBy('o.id')
    .execute()
  return rows.map((r) => r.id)
}

const ANSWERED_BY_RECORDS = new Set(['payment.started', 'offer.section_saved', 'offer.matched', 'offer.unmatched', 'offer.work_permit_issued', 'offer.work_permit_refused', 'offer.corrected', 'payment.approved', 'payment.refunded'])
const str = (a: Answers, s: string, f: string) => {
  const v = a[s]?.[f]
  return typeof v === 'string' ? v : ''
}

/** The offers (in the order of `ids`) with their history: payments, refunds, matches, decisions, corrections and audit entries. */
export async function loadDossierOffers(db: DbOrTrx, businessId: string, ids: readonly string[]): Promise<DossierOffer[]> {
  return dossierOffersFrom(ids, await loadDossierRecords(db, businessId, ids))
}

export type DossierRecords = Awaited<ReturnType<typeof loadDossierRecords>>

/** The rows a dossier is told from; the officer's offer page also reads its match, decision, payments and corrections here. */
export async function loadDossierRecords(db: DbOrTrx, businessId: string, ids: readonly string[]) {
  if (ids.length === 0) return { offers: [], payments: [], refunds: [], matches: [], decisions: [], corrections: [], audits: [], versions: [] }
  const offers = await db.selectFrom('offer').select(['id', 'offer_number', 'status', 'worker_name', 'job_title', 'answers', 'submitted_at']).where('id', 'in', ids).execute()
  const payments = await repo.paymentsOf(db, ids)
  const paymentIds = payments.map((p) => p.id)
  const [refunds, matchRows, decisionRows, correctionRows, auditRows, versionRows] = await Promise.all([
    repo.refundsOfPayments(db, paymentIds),
    db.selectFrom('work_permit_match as m').select(['m.offer_id', 'm.matched_at', 'm.undone_at', 'm.undo_reason', 'm.matched_by', 'm.undone_by']).where('m.offer_id', 'in', ids).execute(),
    db.selectFrom('work_permit_decision as d').selectAll('d').where('d.offer_id', 'in', ids).execute(),
    repo.correctionsOf(db, ids),
    db
      .selectFrom('audit_event')
      .select(['occurred_at', 'actor_label', 'actor_user_id', 'action', 'object_id', 'ip', 'details'])
      .where('business_id', '=', businessId)
      .where('object_id', 'in', [...ids, ...paymentIds])
      .orderBy('occurred_at')
      .orderBy('id')
      .execute(),
    // Each saved version of each section: what the offer said, who saved it, when.
    db.selectFrom('offer_version as v').select(['v.offer_id', 'v.version', 'v.section', 'v.saved_values', 'v.saved_at', 'v.saved_by']).where('v.offer_id', 'in', ids).orderBy('v.version').execute(),
  ])
  // Everyone the history names, by name (as the console names a decider), read at once.
  const people = [
    ...payments.map((p) => p.created_by_user_id),
    ...refunds.map((r) => r.requested_by_user_id),
    ...matchRows.flatMap((m) => [m.matched_by, m.undone_by]),
    ...decisionRows.map((d) => d.decided_by),
    ...auditRows.map((a) => a.actor_user_id),
    ...versionRows.map((v) => v.saved_by),
  ].filter((x): x is string => typeof x === 'string')
  const names = people.length ? await namesOf(db, [...new Set(people)]) : new Map<string, string>()
  const nameOf = (id: string | null | undefined, otherwise = '') => (id ? (names.get(id) ?? otherwise) : otherwise)
  const matches = matchRows.map((m) => ({ ...m, matched_by: nameOf(m.matched_by), undone_by: m.undone_by ? nameOf(m.undone_by) : null }))
  const decisions = decisionRows.map((d) => ({ ...d, decided_by_name: nameOf(d.decided_by) }))
  const corrections = correctionRows.map((c) => ({ ...c, corrected_by_name: nameOf(c.corrected_by, c.corrected_by_name) }))
  const audits = auditRows.map((a) => ({ ...a, actor_label: nameOf(a.actor_user_id, a.actor_label) }))
  const versions = versionRows.map((v) => ({ ...v, username: nameOf(v.saved_by) }))
  const payers = payments.map((p) => ({ ...p, paid_by: nameOf(p.created_by_user_id) }))
  const refunders = refunds.map((r) => ({ ...r, requested_by: nameOf(r.requested_by_user_id) }))
  return { offers, payments: payers, refunds: refunders, matches, decisions, corrections, audits, versions }
}

/** The offers of `ids`, in that order, each with its history told from `records`. */
export function dossierOffersFrom(ids: readonly string[], { offers, payments, refunds, matches, decisions, corrections, audits, versions }: DossierRecords): DossierOffer[] {
  const paymentOffer = new Map(payments.map((p) => [p.id, p.purpose_id]))
  const events = new Map<string, DossierEvent[]>(ids.map((id) => [id, []]))
  const add = (offerId: string, e: DossierEvent) => events.get(offerId)?.push(e)
  for (const p of payments) {
    add(p.purpose_id, { at: p.created_at, kind: 'payment.started', actor: p.paid_by, detail: '', facts: [{ kind: 'amount', cents: p.amount_cents }] })
    if (p.approved_at) add(p.purpose_id, { at: p.approved_at, kind: 'payment.approved', actor: p.paid_by, detail: p.receipt_number ?? '', facts: [{ kind: 'amount', cents: p.amount_cents }] })
  }
  for (const r of refunds) {
    const offerId = paymentOffer.get(r.payment_id)!
    // Who caused it (the officer of a refused permit, the employer who withdrew); none: the portal itself (`byPortal`).
    add(offerId, { at: r.completed_at ?? r.created_at, kind: `refund.${r.status}`, actor: r.requested_by, byPortal: !r.requested_by, detail: '', facts: [{ kind: 'amount', cents: r.amount_cents }, { kind: 'refundReason', reason: r.reason, detail: r.reason_detail }] })
  }
  for (const m of matches) {
    add(m.offer_id, { at: m.matched_at, kind: 'offer.matched', actor: m.matched_by, detail: '' })
    if (m.undone_at) add(m.offer_id, { at: m.undone_at, kind: 'offer.unmatched', actor: m.undone_by ?? '', detail: m.undo_reason ?? '' })
  }
  for (const d of decisions) {
    const facts: DossierFact[] = []
    if (d.first_day_of_employment) facts.push({ kind: 'firstDay', value: d.first_day_of_employment })
    if (d.inspection_until) facts.push({ kind: 'inspectionUntil', value: d.inspection_until })
    if (d.refund_outcome) facts.push({ kind: 'refund', value: d.refund_outcome })
    add(d.offer_id, {
      at: d.decided_at,
      kind: d.outcome === 'issued' ? 'offer.work_permit_issued' : 'offer.work_permit_refused',
      actor: d.decided_by_name,
      detail: d.note,
      facts,
    })
  }
  for (const v of versions) {
    add(v.offer_id, { at: v.saved_at, kind: 'offer.section_saved', actor: v.username ?? '', detail: '', facts: [{ kind: 'saved', version: v.version, section: v.section, values: v.saved_values }] })
  }
  for (const c of corrections) {
    add(c.offer_id, { at: c.corrected_at, kind: 'offer.corrected', actor: c.corrected_by_name, detail: c.reason, facts: [{ kind: 'corrected', field: c.field, from: c.old_value, to: c.new_value }] })
  }
  for (const a of audits) {
    if (ANSWERED_BY_RECORDS.has(a.action)) continue
    const offerId = ids.includes(a.object_id ?? '') ? a.object_id! : paymentOffer.get(a.object_id ?? '')
    if (!offerId) continue
    const details = (a.details ?? {}) as Record<string, unknown>
    const facts: DossierFact[] = []
    // What people wrote (a withdrawal's or a fee review's reason) is kept as written; codes become words.
    const reason = typeof details.reason === 'string' ? details.reason : ''
    if (a.action === 'offer.match_refused' && typeof details.fee === 'string') facts.push({ kind: 'matchFee', value: details.fee })
    if (a.action === 'offer.match_refused' && Array.isArray(details.elements)) facts.push({ kind: 'mismatch', fields: details.elements.filter((x): x is string => typeof x === 'string') })
    if (a.ip) facts.push({ kind: 'ip', value: a.ip })
    const system = a.actor_label === 'system' && !a.actor_user_id
    add(offerId, { at: a.occurred_at, kind: a.action, actor: system ? '' : a.actor_label, byPortal: system, detail: reason, facts })
  }
  const byId = new Map(offers.map((o) => [o.id, o]))
  const decisionOf = new Map(decisions.map((d) => [d.offer_id, d]))
  return ids.flatMap((id) => {
    const o = byId.get(id)
    if (!o) return []
    const d = decisionOf.get(id)
    return [
      {
        id,
        offerNumber: o.offer_number ?? '',
        status: o.status,
        workerName: o.worker_name,
        jobTitle: o.job_title,
        exemptionCode: str(o.answers, 'exemption', 'exemptionCode'),
        province: str(o.answers, 'job', 'workProvince'),
        submittedAt: o.submitted_at,
        firstDay: d?.first_day_of_employment ?? null,
        inspectionUntil: d?.inspection_until ?? null,
        outcome: d?.outcome ?? null,
        events: events.get(id)!.sort((a, b) => a.at.getTime() - b.at.getTime()),
      },
    ]
  })
}

// ---------------------------------------------------------------------------
// CSV

/**
 * A CSV cell: a text a spreadsheet would run as a formula (= + - @, tab, carriage
 * return first) gets an apostrophe in front (OWASP "CSV injection"); then RFC 4180 quoting.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export const CSV_HEADER = [
  'Offer number / Numéro d’offre',
  'Status / État',
  'Foreign national / Ressortissant étranger',
  'Job title / Titre du poste',
  'Exemption code / Code de dispense',
  'Province / Province',
  'Submitted / Soumise',
  'Work permit / Permis de travail',
  'First day of employment / Premier jour d’emploi',
  // A date or nothing, so the column sorts and filters as dates; the header says what empty means.
  'Inspection until (empty: no work permit issued) / Inspection jusqu’au (vide : aucun permis de travail délivré)',
  'Event time (UTC) / Moment (UTC)',
  'Event / Événement',
  'By / Par',
  'Details / Détails',
]

/** A province or territory by name ("Quebec / Québec"), or as recorded when it is not one. */
export function provinceText(reader: Reader, code: string): string {
  return code ? inReaders(reader, (lang) => provinceName(code, lang) ?? code) : ''
}

const outcomeText = (outcome: DossierOffer['outcome']) => (outcome ? bilingual(outcome === 'issued' ? 'consoleWork.offer.issued' : 'consoleWork.offer.refused') : '')

export function csvRows(offers: readonly DossierOffer[]): string {
  let out = ''
  for (const o of offers) {
    // In words in both languages, as the PDF writes them (an exemption code is what officers call it).
    const head = [o.offerNumber, bilingual(`consoleWork.status.${o.status}`), o.workerName, o.jobTitle, o.exemptionCode, provinceText('both', o.province), o.submittedAt?.toISOString() ?? '', outcomeText(o.outcome), o.firstDay ?? '', o.inspectionUntil ?? '']
    const events = o.events.length ? o.events : [{ at: o.submittedAt ?? new Date(0), kind: 'offer.submitted', actor: '', detail: '' }]
    for (const e of events) out += [...head, e.at.toISOString(), eventKindText('both', e.kind), actorText('both', e), eventDetail('both', e)].map(csvCell).join(',') + '\r\n'
  }
  return out
}

// ---------------------------------------------------------------------------
// PDF

export function dossierPdf(business: DossierBusiness, offers: readonly DossierOffer[], generatedAt: Date, options: { uncompressed?: boolean } = {}): Promise<Buffer> {
  return renderPdf({ title: `${bilingual('consoleWork.inspection.pdfTitle')} — ${business.legal_name}`, uncompressed: options.uncompressed }, (doc, h) => {
    h.row(bilingual('consoleWork.search.businessNumber'), business.business_number)
    h.row(bilingual('consoleWork.search.employerNumber'), business.employer_number)
    h.row(bilingual('consoleWork.search.operatingName'), business.operating_name)
    h.row(bilingual('consoleWork.inspection.address'), `${business.street}, ${business.city} ${business.province} ${business.postal_code}`)
    h.row(bilingual('consoleWork.inspection.generated'), generatedAt.toISOString())
    h.row(bilingual('consoleWork.inspection.offerCount'), String(offers.length))
    if (offers.length === 0) h.paragraph(bilingual('consoleWork.inspection.noOffers'))
    for (const o of offers) {
      h.heading(`${bilingual('consoleWork.search.offerNumber')} ${o.offerNumber}`)
      h.row(bilingual('consoleWork.search.status'), bilingual(`consoleWork.status.${o.status}`))
      h.row(bilingual('consoleWork.search.worker'), o.workerName)
      h.row(bilingual('consoleWork.search.job'), o.jobTitle)
      h.row(bilingual('consoleWork.offer.exemptionCode'), o.exemptionCode)
      h.row(bilingual('consoleWork.search.province'), provinceText('both', o.province))
      h.row(bilingual('consoleWork.search.submitted'), o.submittedAt?.toISOString() ?? '')
      if (o.outcome) h.row(bilingual('consoleWork.offer.decisionTitle'), outcomeText(o.outcome))
      if (o.firstDay) h.row(bilingual('consoleWork.offer.firstDay'), o.firstDay)
      h.row(bilingual('consoleWork.inspection.until'), inspectionUntilText('both', o))
      doc.moveDown(0.2)
      for (const e of o.events) {
        const detail = eventDetail('both', e)
        h.paragraph(`${e.at.toISOString()}  ${eventKindText('both', e.kind)}${actorText('both', e) ? `  ${actorText('both', e)}` : ''}${detail ? `  ${detail}` : ''}`)
      }
    }
  })
}

// ---------------------------------------------------------------------------
// Exports (background jobs)

export const CHUNK = 100
/** Exports of more offers than this run in the background. */
export const INLINE_LIMIT = 200
const LEASE_MS = 10 * 60_000

/**
 * Queues an export of a business's dossier. `buildNow`: an export of at most `upTo` offers is
 * made claimed by `workerId` (the request itself builds it), so the background worker, which
 * takes queued ones, can never take it between the request's insert and its claim.
 */
export async function requestExport(
  db: Db,
  input: { businessId: string; format: 'csv' | 'pdf'; by: string; now: Date; today: string; buildNow?: { workerId: string; upTo: number } },
): Promise<InspectionExport> {
  const total = (await dossierOfferIds(db, input.businessId, input.today)).length
  const claimed = input.buildNow && total <= input.buildNow.upTo ? { status: 'running' as const, claimed_by: input.buildNow.workerId, lease_until: new Date(input.now.getTime() + LEASE_MS), attempts: 1 } : {}
  return db
    .insertInto('inspection_export')
    .values({ business_id: input.businessId, format: input.format, total, requested_by: input.by, requested_at: input.now, ...claimed })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Claims the oldest export that is due (queued, or running with a lapsed lease): several workers take different ones. */
export async function claimExport(db: Db, workerId: string, now: Date): Promise<InspectionExport | undefined> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('inspection_export')
      .select('id')
      .where((eb) => eb.or([eb('status', '=', 'queued'), eb.and([eb('status', '=', 'running'), eb('lease_until', '<', now)])]))
      .orderBy('requested_at')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst()
    if (!due) return undefined
    return trx
      .updateTable('inspection_export')
      .set({ status: 'running', claimed_by: workerId, lease_until: new Date(now.getTime() + LEASE_MS), attempts: sql`attempts + 1`, done: 0 })
      .where('id', '=', due.id)
      .returningAll()
      .executeTakeFirstOrThrow()
  })
}

/** Builds a claimed export in chunks, recording progress while it still holds the claim. */
export async function runExport(db: Db, clock: Clock, job: InspectionExport, workerId: string, options: { uncompressed?: boolean } = {}): Promise<'done' | 'lost' | 'failed'> {
  try {
    const business = await db
      .selectFrom('business')
      .select(['id', 'legal_name', 'operating_name', 'business_number', 'employer_number', 'street', 'city', 'province', 'postal_code'])
      .where('id', '=', job.business_id)
      .executeTakeFirstOrThrow()
    const today = job.requested_at.toISOString().slice(0, 10)
    const ids = await dossierOfferIds(db, job.business_id, today)
    const offers: DossierOffer[] = []
    let csv = '\uFEFF' + CSV_HEADER.map(csvCell).join(',') + '\r\n'
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = await loadDossierOffers(db, job.business_id, ids.slice(i, i + CHUNK))
      if (job.format === 'csv') csv += csvRows(chunk)
      else offers.push(...chunk)
      const held = await db
        .updateTable('inspection_export')
        .set({ done: Math.min(i + CHUNK, ids.length), total: ids.length, lease_until: new Date(clock.now().getTime() + LEASE_MS) })
        .where('id', '=', job.id)
        .where('claimed_by', '=', workerId)
        .where('status', '=', 'running')
        .executeTakeFirst()
      if (Number(held.numUpdatedRows) === 0) return 'lost'
    }
    const content = job.format === 'csv' ? Buffer.from(csv, 'utf8') : await dossierPdf(business, offers, clock.now(), options)
    const stamp = today.replace(/-/g, '')
    const fileName = `inspection-${business.employer_number}-${stamp}.${job.format}`
    const r = await db
      .updateTable('inspection_export')
      .set({ status: 'done', content, file_name: fileName, done: ids.length, total: ids.length, finished_at: clock.now(), lease_until: null })
      .where('id', '=', job.id)
      .where('claimed_by', '=', workerId)
      .where('status', '=', 'running')
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1 ? 'done' : 'lost'
  } catch (err) {
    await db
      .updateTable('inspection_export')
      .set({ status: job.attempts >= 3 ? 'failed' : 'queued', failure: String((err as Error).message ?? err).slice(0, 500), lease_until: null })
      .where('id', '=', job.id)
      .where('claimed_by', '=', workerId)
      .execute()
    return 'failed'
  }
}

/** One round of the worker: claims and builds one due export. */
export async function processExportsOnce(db: Db, clock: Clock, workerId: string): Promise<boolean> {
  const job = await claimExport(db, workerId, clock.now())
  if (!job) return false
  await runExport(db, clock, job, workerId)
  return true
}

/** The export loop of `npm run worker` (and of `npm start`): a round every few seconds, one at a time. */
export function startExportWorker(db: Db, clock: Clock, log: { error(obj: object, msg: string): void }, workerId: string, intervalMs = 3000): { stop(): Promise<void> } {
  let stopped = false
  let running: Promise<void> = Promise.resolve()
  const tick = async () => {
    try {
      while (!stopped && (await processExportsOnce(db, clock, workerId))) {
        // keep going while there is work
      }
    } catch (err) {
      log.error({ err }, 'inspection export round failed')
    }
  }
  const timer = setInterval(() => {
    running = running.then(tick)
  }, intervalMs)
  timer.unref()
  return {
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
