import crypto from 'node:crypto'
import type { Transaction } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { Database } from '../../db/database.ts'
import { eachLanguage, translate, type Lang } from '../../i18n/i18n.ts'
import { audit, SYSTEM_ACTOR, type Actor } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { dayInZone } from '../../platform/dates.ts'
import { isUuid } from '../../platform/ids.ts'
import { sniffedType } from '../../platform/uploads.ts'
import type { ActingMembership } from '../access/access.policy.ts'
import { notifyUser } from '../notifications/notify.ts'
import { formatMoney } from '../reference/validators.ts'
import { exemptionByCode, isOpenExemption } from '../reference/exemption-codes.ts'
import * as payRepo from '../payment/payment.repository.ts'
import type { PaymentService, StartPaymentResult } from '../payment/payment.service.ts'
import type { Payment } from '../payment/payment.tables.ts'
import * as repo from './offers.repository.ts'
import { allProblems, keptAnswers, SECTION_IDS, type FieldProblem, type SectionId } from './offers.sections.ts'
import type { Answers, Offer, OfferDocument } from './offers.tables.ts'

/**
 * The life of an offer of employment, free of HTTP: the pages and the API call the
 * same functions, so the same rules hold for both. Draft → Awaiting payment →
 * Pending → Matched, or Withdrawn. Every change is conditional on the state it
 * starts from, so two tabs (or two processes) cannot both make it.
 */
export const OFFER_PURPOSE = 'offer'
export const MAX_DOCUMENT_BYTES = 6 * 1024 * 1024
export const MAX_DOCUMENTS = 20

export interface OfferServiceDeps {
  db: Db
  clock: Clock
  timeZone: string
  payments: PaymentService
}

/** Does the offer claim a fee exemption (the employer's or the worker's)? Then its proof must be attached. */
export function claimsFeeExemption(offer: Pick<Offer, 'answers'>): boolean {
  const fee = offer.answers.exemption?.feeExemption
  return fee === 'employer' || fee === 'worker'
}

/** May this membership see (and act on) this offer? Branch users see only their branch's. */
export function canSeeOffer(m: ActingMembership | undefined, offer: Pick<Offer, 'business_id' | 'branch_id'>): m is ActingMembership {
  if (!m || m.businessId !== offer.business_id) return false
  return m.branchId === null || m.role === 'primary' || offer.branch_id === m.branchId
}

export type SubmitResult =
  | { kind: 'problems'; problems: FieldProblem[] }
  | { kind: 'conflict' }
  | { kind: 'notDraft'; offer: Offer }
  /** The fee is due: send the person to the payment page. */
  | { kind: 'pay'; offer: Offer }
  /** A fee exemption was claimed: submitted at once, for an officer to review. */
  | { kind: 'submitted'; offer: Offer }

export type PayResult = StartPaymentResult | { kind: 'notAwaitingPayment'; offer: Offer }

/** The offer a copy was made from: its number (null for a draft), when it was started, and its id when the person may open it. */
export interface CopySource {
  number: string | null
  startedAt?: Date
  id?: string
}

export class OfferService {
  constructor(private readonly deps: OfferServiceDeps) {
    deps.payments.registerPurpose(OFFER_PURPOSE, {
      // Submitted by whoever's request learnt of the approval: the payer (their return, their offer's page), or the system (the reconciler).
      onApproved: async (trx, payment, now, actor) => {
        const offer = await this.completeSubmission(trx, payment.purpose_id, actor, now)
        return offer?.offer_number ? { reference: offer.offer_number } : undefined
      },
      // "Try again" on the payment's page starts a new payment at once, through the offer's own rules (offers-submission.routes.ts).
      retryAction: (payment, lang) => `/${lang}/offers/${payment.purpose_id}/pay`,
      refundsOwed: async (db, limit) =>
        (await repo.offerPaymentsOwed(db, limit)).map((o) => ({
          paymentId: o.paymentId,
          reason: { code: o.status === 'withdrawn' ? 'offer_withdrawn' : 'paid_after_draft' },
        })),
    })
  }

  /** The fee an offer pays if submitted now (integer cents). */
  feeCents(): Promise<number> {
    return this.deps.payments.currentFeeCents()
  }

  byId(id: string): Promise<Offer | undefined> {
    return isUuid(id) ? repo.findOffer(this.deps.db, id) : Promise.resolve(undefined)
  }

  refunds(paymentId: string) {
    return this.deps.payments.refundsOf(paymentId)
  }

  today(): string {
    return dayInZone(this.deps.clock.now(), this.deps.timeZone)
  }

  /** The offer if `m` may see it; undefined for a wrong id, another business or another branch (no oracle). */
  async find(m: ActingMembership | undefined, id: string): Promise<Offer | undefined> {
    if (!m || !isUuid(id)) return undefined
    const offer = await repo.findOffer(this.deps.db, id)
    return offer && canSeeOffer(m, offer) ? offer : undefined
  }

  /** A new draft: the business section from the business's last offer, the exemption code from the eligibility check. */
  async createDraft(m: ActingMembership, userId: string, actor: Actor, start: { exemptionCode?: string } = {}): Promise<Offer> {
    const now = this.deps.clock.now()
    const previous = await repo.lastBusinessAnswers(this.deps.db, m.businessId)
    const answers: Answers = previous ? { business: previous } : {}
    const code = start.exemptionCode ? exemptionByCode(start.exemptionCode) : undefined
    if (code && !isOpenExemption(code.code)) answers.exemption = { exemptionCode: code.code }
    return this.deps.db.transaction().execute(async (trx) => {
      const offer = await repo.insertDraft(trx, { businessId: m.businessId, branchId: m.branchId, userId, answers, now })
      await audit(trx, actor, now, { action: 'offer.draft_created', businessId: m.businessId, objectType: 'offer', objectId: offer.id })
      return offer
    })
  }

  /** Any offer into a new draft of the same business and branch; the attestations are ticked again, on purpose. */
  async copy(m: ActingMembership, source: Offer, userId: string, actor: Actor): Promise<Offer> {
    const now = this.deps.clock.now()
    const answers: Answers = Object.fromEntries(Object.entries(source.answers).filter(([section]) => section !== 'attestations'))
    return this.deps.db.transaction().execute(async (trx) => {
      const offer = await repo.insertDraft(trx, { businessId: source.business_id, branchId: source.branch_id ?? m.branchId, userId, answers, now, copiedFrom: source })
      await audit(trx, actor, now, { action: 'offer.copied', businessId: source.business_id, objectType: 'offer', objectId: offer.id, details: { from: source.id, fromNumber: source.offer_number } })
      return offer
    })
  }

  /** Where a copy came from, as its pages say: the source (with its id while `m` may open it), or its number alone once it is gone. */
  async copySource(m: ActingMembership, offer: Offer): Promise<CopySource | undefined> {
    const source = offer.copied_from ? await repo.findOffer(this.deps.db, offer.copied_from) : undefined
    if (!source) return offer.copied_from_number ? { number: offer.copied_from_number } : undefined
    return { number: source.offer_number, startedAt: source.created_at, id: canSeeOffer(m, source) ? source.id : undefined }
  }

  /**
   * Other offers of the business for this offer's foreign national (same passport number) that are
   * pending or awaiting their fee, among those `m` may see: submitting again charges the fee again.
   */
  async sameWorkerOffers(m: ActingMembership, offer: Offer): Promise<Array<Pick<Offer, 'id' | 'offer_number' | 'status'>>> {
    if (!offer.passport_key) return []
    const rows = await repo.liveOffersForPassport(this.deps.db, offer.business_id, offer.passport_key, offer.id)
    return rows.filter((o) => canSeeOffer(m, o))
  }

  async deleteDraft(offer: Offer, actor: Actor): Promise<boolean> {
    const now = this.deps.clock.now()
    return this.deps.db.transaction().execute(async (trx) => {
      const deleted = await repo.deleteDraftRow(trx, offer.id)
      if (deleted) await audit(trx, actor, now, { action: 'offer.draft_deleted', businessId: offer.business_id, objectType: 'offer', objectId: offer.id, details: { workerName: offer.worker_name, jobTitle: offer.job_title, branchId: offer.branch_id } })
      return deleted
    })
  }

  /**
   * Saves one section as typed (valid or not), if the draft is still the version the page showed;
   * an amount in one form every language reads (`keptAnswers`: French "45,50" is kept as "45.50").
   */
  async saveSection(offer: Offer, section: SectionId, values: Record<string, string | string[]>, expectedVersion: number, actor: Actor): Promise<repo.SaveResult> {
    // The save, its version and its audit entry in one statement: a crash keeps all or none.
    return repo.saveSection(this.deps.db, offer.id, section, keptAnswers(section, values), expectedVersion, this.deps.clock.now(), {
      actor,
      entry: { action: 'offer.section_saved', businessId: offer.business_id, objectType: 'offer', objectId: offer.id, details: { section } },
    })
  }

  /** Everything still missing or wrong, including what only the submission checks (the start date, the proof of a fee exemption). */
  async submissionProblems(offer: Offer, lang: Lang): Promise<FieldProblem[]> {
    const today = this.today()
    const problems = allProblems(offer.answers, lang, today)
    const start = offer.answers.job?.startDate
    if (typeof start === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(start.trim()) && start.trim() < today && !problems.some((p) => p.field === 'startDate')) {
      problems.push({ section: 'job', field: 'startDate', problem: 'offers.e_startPast' })
    }
    if (claimsFeeExemption(offer) && (await repo.listDocuments(this.deps.db, offer.id)).length === 0) {
      // Fixed on the documents page, not in the section: `onDocuments` sends the person there.
      problems.push({ section: 'exemption', field: 'feeExemption', problem: 'offers.e_feeProof', onDocuments: true })
    }
    return problems.sort((a, b) => SECTION_IDS.indexOf(a.section) - SECTION_IDS.indexOf(b.section))
  }

  /**
   * "Submit": a complete draft that nobody changed since the review page was loaded
   * becomes read-only and awaits its fee; with a fee exemption it is submitted at once.
   */
  async submit(offer: Offer, expectedVersion: number, lang: Lang, actor: Actor): Promise<SubmitResult> {
    if (offer.status !== 'draft') return { kind: 'notDraft', offer }
    if (offer.version !== expectedVersion) return { kind: 'conflict' }
    const problems = await this.submissionProblems(offer, lang)
    if (problems.length > 0) return { kind: 'problems', problems }
    const fee = offer.answers.exemption?.feeExemption
    const exemption = fee === 'employer' || fee === 'worker' ? fee : null
    // An administrator may set the fee to zero: then nothing is paid and nothing needs review.
    const free = !exemption && (await this.feeCents()) === 0
    const now = this.deps.clock.now()
    return this.deps.db.transaction().execute(async (trx): Promise<SubmitResult> => {
      const awaiting = await repo.markAwaitingPayment(trx, offer.id, expectedVersion, exemption, now)
      if (!awaiting) {
        const current = (await repo.findOffer(trx, offer.id))!
        return current.status === 'draft' ? { kind: 'conflict' } : { kind: 'notDraft', offer: current }
      }
      await audit(trx, actor, now, { action: 'offer.submission_started', businessId: offer.business_id, objectType: 'offer', objectId: offer.id, details: { feeExemption: exemption } })
      if (!exemption && !free) return { kind: 'pay', offer: awaiting }
      const submitted = (await this.completeSubmission(trx, offer.id, actor, now))!
      return { kind: 'submitted', offer: submitted }
    })
  }

  /** Is the fee owed on this offer now: awaiting payment, or submitted with a fee exemption an officer refused and not paid since? */
  async feeOwed(offer: Offer): Promise<boolean> {
    if (offer.status === 'awaiting_payment') return true
    if (offer.status !== 'pending' || offer.fee_review_decision !== 'refused') return false
    const active = await payRepo.findActiveForPurpose(this.deps.db, OFFER_PURPOSE, offer.id)
    return active?.status !== 'approved'
  }

  /** Starts (or resumes) the fee's payment; from any tab, always the same payment. `actor`: the person paying (their address in the audit trail). */
  async pay(offer: Offer, userId: string, lang: Lang, actor?: Actor): Promise<PayResult> {
    if (!(await this.feeOwed(offer))) return { kind: 'notAwaitingPayment', offer }
    return this.deps.payments.startPayment({
      purposeType: OFFER_PURPOSE,
      purposeId: offer.id,
      businessId: offer.business_id,
      userId,
      actor,
      lang,
      continuePath: `/${lang}/offers/${offer.id}`,
    })
  }

  /** Asks the gateway about a payment in progress (the person may have closed the tab after paying); what it settles is credited to `actor`. */
  async refreshPayment(offer: Offer, actor: Actor = SYSTEM_ACTOR): Promise<Offer> {
    if (offer.status !== 'awaiting_payment') return offer
    const active = await payRepo.findActiveForPurpose(this.deps.db, OFFER_PURPOSE, offer.id)
    if (active?.status === 'pending' && active.checkout_ref) {
      await this.deps.payments.confirmPayment(active.id, actor)
      return (await repo.findOffer(this.deps.db, offer.id)) ?? offer
    }
    return offer
  }

  /** Back to a draft to change it, only while no payment is in progress or made. */
  async reopen(offer: Offer, actor: Actor): Promise<Offer | undefined> {
    if (offer.status !== 'awaiting_payment') return undefined
    const active = await payRepo.findActiveForPurpose(this.deps.db, OFFER_PURPOSE, offer.id)
    if (active) return undefined
    const now = this.deps.clock.now()
    return this.deps.db.transaction().execute(async (trx) => {
      const draft = await repo.markDraftAgain(trx, offer.id, now)
      if (draft) await audit(trx, actor, now, { action: 'offer.reopened', businessId: offer.business_id, objectType: 'offer', objectId: offer.id })
      return draft
    })
  }

  /** Gives the offer its number, once; called with the payment's approval, or at once when fee-exempt. */
  private async completeSubmission(trx: Transaction<Database>, offerId: string, actor: Actor, now: Date): Promise<Offer | undefined> {
    const submitted = await repo.markSubmitted(trx, offerId, now)
    if (!submitted) return repo.findOffer(trx, offerId)
    await audit(trx, actor, now, {
      action: 'offer.submitted',
      businessId: submitted.business_id,
      objectType: 'offer',
      objectId: submitted.id,
      details: { offerNumber: submitted.offer_number, feeExemption: submitted.fee_exemption, version: submitted.version },
    })
    await notifyUser(trx, {
      userId: submitted.created_by,
      template: 'offerSubmitted',
      params: { offerNumber: submitted.offer_number!, worker: submitted.worker_name, job: submitted.job_title },
      ids: { offerId: submitted.id },
      now,
    })
    return submitted
  }

  /** Withdraws a pending offer with a reason; the fee is refunded at once (or by the reconciler if the gateway is down). */
  async withdraw(offer: Offer, reason: string, actor: Actor): Promise<{ kind: 'withdrawn'; offer: Offer } | { kind: 'notPending'; offer: Offer }> {
    const now = this.deps.clock.now()
    const { withdrawn, payment } = await this.deps.db.transaction().execute(async (trx) => {
      const w = await repo.markWithdrawn(trx, offer.id, reason, now)
      const paid = w ? await payRepo.findActiveForPurpose(trx, OFFER_PURPOSE, offer.id) : undefined
      if (w) {
        await audit(trx, actor, now, { action: 'offer.withdrawn', businessId: offer.business_id, objectType: 'offer', objectId: offer.id, details: { reason, offerNumber: offer.offer_number } })
        // What becomes of the fee, as it stands now: none paid, or its refund (started just after; its own message says when it is done).
        const fee = eachLanguage((lang) =>
          paid?.status === 'approved'
            ? translate(lang, 'offers.withdrawnFee.pending', { amount: formatMoney(paid.amount_cents, lang), receipt: paid.receipt_number ?? '' })
            : translate(lang, 'offers.withdrawnFee.none'),
        )
        await notifyUser(trx, { userId: offer.created_by, template: 'offerWithdrawn', params: { offerNumber: offer.offer_number ?? '', reason, fee }, ids: { offerId: offer.id }, now })
      }
      return { withdrawn: w, payment: paid }
    })
    if (!withdrawn) return { kind: 'notPending', offer: (await repo.findOffer(this.deps.db, offer.id)) ?? offer }
    if (payment?.status === 'approved') await this.deps.payments.refundPayment(payment.id, { reason: { code: 'offer_withdrawn', detail: reason }, actor })
    return { kind: 'withdrawn', offer: withdrawn }
  }

  /** Offers whose claimed fee exemption waits for an officer (oldest first), or those decided (newest first). */
  feeReviews(state: 'open' | 'decided', limit = 200) {
    let q = this.deps.db
      .selectFrom('offer as o')
      .innerJoin('business as b', 'b.id', 'o.business_id')
      .leftJoin('app_user as a', 'a.id', 'o.fee_review_assignee')
      .leftJoin('app_user as d', 'd.id', 'o.fee_reviewed_by')
      .select(['o.id', 'o.offer_number', 'o.worker_name', 'o.fee_exemption', 'o.submitted_at', 'o.fee_review_decision', 'o.fee_reviewed_at', 'b.legal_name', 'a.username as assignee'])
      .select(['d.username as decider_username', 'd.given_name as decider_given_name', 'd.family_name as decider_family_name'])
    q = state === 'open' ? q.where('o.needs_review', '=', true).orderBy('o.submitted_at').orderBy('o.id') : q.where('o.fee_review_decision', 'is not', null).orderBy('o.fee_reviewed_at', 'desc').orderBy('o.id')
    return q.limit(limit).execute()
  }

  async assignFeeReview(offer: Offer, officerId: string, actor: Actor): Promise<void> {
    const now = this.deps.clock.now()
    await this.deps.db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('offer').set({ fee_review_assignee: officerId }).where('id', '=', offer.id).where('needs_review', '=', true).executeTakeFirst()
      if (Number(r.numUpdatedRows) === 1) await audit(trx, actor, now, { action: 'offer.fee_review_assigned', businessId: offer.business_id, objectType: 'offer', objectId: offer.id, details: { officerId } })
    })
  }

  /**
   * An officer's decision on a claimed fee exemption, once: accepted, or refused with the
   * fee then owed (the employer pays it from the offer's page; the offer keeps its number).
   */
  async decideFeeReview(offer: Offer, decision: 'accepted' | 'refused', reason: string, officer: Actor & { userId: string }): Promise<boolean> {
    const now = this.deps.clock.now()
    return this.deps.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('offer')
        .set({ needs_review: false, fee_review_decision: decision, fee_review_reason: reason, fee_reviewed_by: officer.userId, fee_reviewed_at: now })
        .where('id', '=', offer.id)
        .where('needs_review', '=', true)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) !== 1) return false
      await audit(trx, officer, now, { action: `offer.fee_exemption_${decision}`, businessId: offer.business_id, objectType: 'offer', objectId: offer.id, details: { reason, feeExemption: offer.fee_exemption } })
      await notifyUser(trx, {
        userId: offer.created_by,
        template: decision === 'accepted' ? 'offerFeeExemptionAccepted' : 'offerFeeExemptionRefused',
        params: { offerNumber: offer.offer_number ?? '', reason },
        ids: { offerId: offer.id },
        now,
      })
      return true
    })
  }

  /** Every payment of the offer, newest first, with its refunds: the offer's payment history. */
  async paymentHistory(offer: Offer): Promise<Array<{ payment: Payment; refunds: Awaited<ReturnType<PaymentService['refundsOf']>> }>> {
    const payments = await payRepo.listForPurpose(this.deps.db, OFFER_PURPOSE, offer.id)
    return Promise.all(payments.map(async (payment) => ({ payment, refunds: await this.deps.payments.refundsOf(payment.id) })))
  }

  documents(offer: Offer): Promise<repo.DocumentSummary[]> {
    return repo.listDocuments(this.deps.db, offer.id)
  }

  document(offer: Offer, documentId: string): Promise<OfferDocument | undefined> {
    return isUuid(documentId) ? repo.findDocument(this.deps.db, offer.id, documentId) : Promise.resolve(undefined)
  }

  /** Adds a supporting document to a draft; the type was sniffed from the bytes by the caller's `sniffDocumentType`. */
  async addDocument(offer: Offer, file: { name: string; type: OfferDocument['content_type']; content: Buffer }, userId: string, actor: Actor): Promise<{ kind: 'added'; documentId: string } | { kind: 'notDraft' } | { kind: 'tooMany' }> {
    if (offer.status !== 'draft') return { kind: 'notDraft' }
    if ((await repo.listDocuments(this.deps.db, offer.id)).length >= MAX_DOCUMENTS) return { kind: 'tooMany' }
    const now = this.deps.clock.now()
    return this.deps.db.transaction().execute(async (trx) => {
      // Locks the draft: a document is never added to an offer being submitted at the same moment.
      const row = await trx.selectFrom('offer').select('status').where('id', '=', offer.id).forUpdate().executeTakeFirst()
      if (row?.status !== 'draft') return { kind: 'notDraft' as const }
      const doc = await repo.insertDocument(trx, {
        offer_id: offer.id,
        file_name: safeFileName(file.name),
        content_type: file.type,
        size_bytes: file.content.length,
        sha256: crypto.createHash('sha256').update(file.content).digest('hex'),
        content: file.content,
        uploaded_by: userId,
        created_at: now,
      })
      await audit(trx, actor, now, { action: 'offer.document_added', businessId: offer.business_id, objectType: 'offer', objectId: offer.id, details: { documentId: doc.id, fileName: doc.file_name, sizeBytes: doc.size_bytes, sha256: doc.sha256 } })
      return { kind: 'added' as const, documentId: doc.id }
    })
  }

  async removeDocument(offer: Offer, documentId: string, actor: Actor): Promise<boolean> {
    if (offer.status !== 'draft' || !isUuid(documentId)) return false
    const now = this.deps.clock.now()
    return this.deps.db.transaction().execute(async (trx) => {
      const fileName = await repo.deleteDocument(trx, offer.id, documentId)
      if (fileName !== undefined) await audit(trx, actor, now, { action: 'offer.document_removed', businessId: offer.business_id, objectType: 'offer', objectId: offer.id, details: { documentId, fileName } })
      return fileName !== undefined
    })
  }

  /** The name of a document `userId` removed from this offer (the page's "File removed" after the removal). */
  removedDocumentName(offer: Offer, userId: string, documentId: string): Promise<string | undefined> {
    return isUuid(documentId) ? repo.removedDocumentName(this.deps.db, userId, offer.id, documentId) : Promise.resolve(undefined)
  }
}

/** A file name as kept and shown: no path, no control or bidirectional-override characters, at most 200 characters. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  // Control characters, and bidirectional overrides that would make a name display as something else.
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim().slice(0, 200)
  return clean === '' || clean === '.' || clean === '..' ? 'document' : clean
}

const DOCUMENT_TYPES: ReadonlySet<string> = new Set(['application/pdf', 'image/jpeg', 'image/png'])

/** The document's real type, from its bytes (never from its name or the browser's word). */
export async function sniffDocumentType(content: Buffer): Promise<OfferDocument['content_type'] | undefined> {
  const type = await sniffedType(content)
  return type && DOCUMENT_TYPES.has(type) ? (type as OfferDocument['content_type']) : undefined
}
