import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import type { SignedInUser } from '../../db/database.ts'
import type { MessageKey } from '../../i18n/i18n.ts'
import { actorFrom, audit } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { dayInZone, formatDay } from '../../platform/dates.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { isUuid } from '../../platform/ids.ts'
import { formErrors, zodFormErrors } from '../../ui/form-errors.ts'
import { requireStaff } from '../auth/guards.ts'
import { sendDocument } from '../offers/offers-documents.routes.ts'
import { offerPdf } from '../offers/offers.pdf.ts'
import { findDocument, findOffer, listDocuments } from '../offers/offers.repository.ts'
import { correctOffer, type CorrectionProblem } from './corrections.service.ts'
import * as repo from './matching.repository.ts'
import { dossierOffersFrom, loadDossierRecords } from './inspection.service.ts'
import { feeStanding, matchApplication, recordDecision, retryRefund, unmatchOffer, type MatchProblem, type Refunder } from './matching.service.ts'
import { confirmIssuedView, confirmRefusalView, matchingView, offerDetailView, type OfferDetail, type OfferForms } from './matching.views.ts'
import { compactKey } from './search.keys.ts'
import { CORRECTION_FIELDS, correctionForm, DECISION_FIELDS, decisionForm, MATCH_FIELDS, matchForm, UNMATCH_FIELDS, unmatchForm } from './work.schema.ts'

export interface WorkDeps {
  db: Db
  clock: Clock
  timeZone: string
  /** The payment service (refunds a refused work permit's fee). */
  payments: Refunder
}

const text = (body: unknown, keys: readonly string[]): Record<string, string> => {
  const b = (body ?? {}) as Record<string, unknown>
  return Object.fromEntries(keys.map((k) => [k, typeof b[k] === 'string' ? (b[k] as string) : '']))
}

function problemMessage(t: FastifyRequest['t'], p: MatchProblem, offerNumber: string): [string, string] {
  switch (p.kind) {
    case 'required':
      return [p.field, t(p.field === 'offerNumber' ? 'consoleWork.matching.errOfferNumberRequired' : p.field === 'passportNumber' ? 'consoleWork.matching.errPassportRequired' : 'consoleWork.matching.errCitizenshipRequired')]
    case 'format':
      return [p.field, t('consoleWork.matching.errOfferNumberFormat')]
    case 'unknown':
      return [p.field, t('consoleWork.matching.errOfferNumberUnknown', { offerNumber })]
    case 'status':
      return [p.field, t(p.status === 'matched' ? 'consoleWork.matching.errStatusMatched' : p.status === 'withdrawn' ? 'consoleWork.matching.errStatusWithdrawn' : 'consoleWork.matching.errStatusNotSubmitted', { offerNumber })]
    case 'feeOwed':
      return [p.field, t('consoleWork.matching.errFeeOwed', { offerNumber })]
    case 'feeUnderReview':
      return [p.field, t('consoleWork.matching.errFeeUnderReview', { offerNumber })]
    case 'unknownCountry':
      return [p.field, t('consoleWork.matching.errCitizenshipUnknown')]
    case 'differs':
      return [p.field, t(p.field === 'passportNumber' ? 'consoleWork.matching.errPassportDiffers' : 'consoleWork.matching.errCitizenshipDiffers')]
  }
}

const CORRECTION_PROBLEM: Record<CorrectionProblem, MessageKey> = {
  exemptionUnknown: 'consoleWork.offer.errExemptionUnknown',
  exemptionOpen: 'consoleWork.offer.errExemptionOpen',
  passportCharacters: 'consoleWork.offer.errPassportCharacters',
  passportLength: 'consoleWork.offer.errPassportLength',
  unchanged: 'consoleWork.offer.errUnchanged',
}

const staffActor = (request: FastifyRequest, officer: SignedInUser) => ({ ...actorFrom(request, officer), userId: officer.id })

/** Matching applications to offers, the officer's offer page, un-matching, decisions, refunds and corrections. */
export function registerMatchingRoutes(scope: FastifyInstance, deps: WorkDeps): void {
  const { db, clock } = deps
  const crumbs = (request: FastifyRequest) => [{ text: request.t('account.consoleTitle'), href: `/${request.lang}/console` }]

  scope.get('/console/matching', async (request, reply) => {
    if (!requireStaff(request, reply)) return reply
    const { t, lang } = request
    return reply.page({ title: t('consoleWork.matching.title'), breadcrumbs: crumbs(request), body: matchingView(t, lang, reply.csrfToken(), {}) })
  })

  scope.post('/console/matching', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const { t, lang } = request
    const values = text(request.body, MATCH_FIELDS)
    const render = (errors: ReturnType<typeof formErrors>, mismatch?: { offerId?: string; offerNumber?: string }) =>
      reply.page({ title: t('consoleWork.matching.title'), breadcrumbs: crumbs(request), errors, body: matchingView(t, lang, reply.csrfToken(), values, errors, mismatch) }, 400)
    const parsed = matchForm.safeParse(request.body ?? {})
    if (!parsed.success) return render(zodFormErrors(t, parsed.error, {}, MATCH_FIELDS))
    const result = await matchApplication(db, parsed.data, staffActor(request, officer), clock.now())
    const number = compactKey(parsed.data.offerNumber)
    if (result.kind === 'mismatch') return render(formErrors(result.problems.map((p) => problemMessage(t, p, number))), { offerId: result.offerId, offerNumber: number })
    return reply.redirect(`/${lang}/console/offers/${result.offerId}?done=matched`, 303)
  })

  const loadDetail = async (id: string): Promise<OfferDetail> => {
    const offer = isUuid(id) ? await repo.findOfferById(db, id) : undefined
    if (!offer || offer.status === 'draft') throw new NotFoundError()
    // The offer's history as the inspection dossier tells it (one source for both pages), and from its rows the rest of the page.
    const [business, records, documents] = await Promise.all([
      db.selectFrom('business').select(['id', 'legal_name', 'business_number', 'employer_number']).where('id', '=', offer.business_id).executeTakeFirstOrThrow(),
      loadDossierRecords(db, offer.business_id, [offer.id]),
      listDocuments(db, offer.id),
    ])
    const payment = records.payments.findLast((p) => p.status === 'approved' || p.status === 'refunded')
    const match = records.matches.find((m) => m.undone_at === null)
    return {
      offer,
      business,
      fee: feeStanding(offer, payment),
      match: match && { matched_at: match.matched_at, matched_by: match.matched_by },
      decision: records.decisions[0],
      corrections: records.corrections,
      history: dossierOffersFrom([offer.id], records)[0]?.events ?? [],
      documents,
      payments: repo.paymentAttempts(records.payments, records.refunds),
    }
  }

  const DONE: Record<string, MessageKey> = { unmatched: 'consoleWork.offer.unmatched', corrected: 'consoleWork.offer.corrected' }

  /** `done`: the success banner, or how to write it from the offer as it now is. */
  const detailPage = async (request: FastifyRequest, reply: FastifyReply, id: string, forms: Omit<OfferForms, 'token' | 'done'> & { done?: string | ((d: OfferDetail) => string | undefined) } = {}, status = 200) => {
    const { t, lang } = request
    const d = await loadDetail(id)
    const errors = forms.unmatch?.errors ?? forms.decision?.errors ?? forms.correction?.errors
    const done = typeof forms.done === 'function' ? forms.done(d) : forms.done
    return reply.page(
      {
        title: t('consoleWork.offer.title', { offerNumber: d.offer.offer_number ?? '—' }),
        breadcrumbs: [...crumbs(request), { text: t('consoleWork.search.title'), href: `/${lang}/console/search` }],
        errors,
        body: offerDetailView(t, lang, deps.timeZone, d, { ...forms, done, token: reply.csrfToken() }),
      },
      status,
    )
  }

  scope.get('/console/offers/:id', async (request, reply) => {
    if (!requireStaff(request, reply)) return reply
    const { t } = request
    const q = request.query as Record<string, unknown>
    const { id } = request.params as { id: string }
    const doneKey = typeof q.done === 'string' ? q.done : ''
    const refund = typeof q.refund === 'string' && ['refunded', 'pending', 'failed', 'not_refundable'].includes(q.refund) ? (q.refund as OfferForms['refund']) : undefined
    const done = (d: OfferDetail): string | undefined => {
      const offerNumber = d.offer.offer_number ?? ''
      if (doneKey === 'matched') return t('consoleWork.matching.matched', { offerNumber })
      // What was recorded, read back from the offer (nothing is said if the offer holds no such decision).
      if (doneKey === 'issued' && d.decision?.outcome === 'issued') {
        return t('consoleWork.offer.recordedIssued', { offerNumber, firstDay: formatDay(request.lang, d.decision.first_day_of_employment), until: formatDay(request.lang, d.decision.inspection_until) })
      }
      if (doneKey === 'refused' && d.decision?.outcome === 'refused') return t('consoleWork.offer.recordedRefused', { offerNumber })
      return Object.hasOwn(DONE, doneKey) ? t(DONE[doneKey]!) : undefined
    }
    return detailPage(request, reply, id, { done, refund })
  })

  /** A submitted offer an officer may read (drafts are the employer's own), or not found. */
  const submittedOffer = async (id: string) => {
    const offer = isUuid(id) ? await findOffer(db, id) : undefined
    if (!offer || offer.status === 'draft' || !offer.offer_number) throw new NotFoundError()
    return offer
  }

  // A supporting document's bytes, for staff: always a download (sendDocument), and on the trail (who opened which file of which offer).
  scope.get('/console/offers/:id/documents/:documentId', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const { id, documentId } = request.params as { id: string; documentId: string }
    const offer = await submittedOffer(id)
    const doc = isUuid(documentId) ? await findDocument(db, offer.id, documentId) : undefined
    if (!doc) throw new NotFoundError()
    await audit(db, actorFrom(request, officer), clock.now(), { action: 'inspection.document_opened', businessId: offer.business_id, objectType: 'offer', objectId: offer.id, details: { documentId: doc.id, fileName: doc.file_name } })
    return sendDocument(reply, doc)
  })

  // The offer as a PDF (the employer's own offerPdf), for staff, on the trail as well.
  scope.get('/console/offers/:id/offer.pdf', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const offer = await submittedOffer((request.params as { id: string }).id)
    const [business, documents] = await Promise.all([
      db.selectFrom('business').select(['legal_name', 'business_number', 'employer_number']).where('id', '=', offer.business_id).executeTakeFirstOrThrow(),
      listDocuments(db, offer.id),
    ])
    const pdf = await offerPdf(offer, business, documents, deps.timeZone)
    await audit(db, actorFrom(request, officer), clock.now(), { action: 'inspection.offer_pdf_downloaded', businessId: offer.business_id, objectType: 'offer', objectId: offer.id })
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="${request.t('offers.pdfFileName', { number: offer.offer_number ?? '' })}"`)
      .header('cache-control', 'private, no-store')
      .send(pdf)
  })

  scope.post('/console/offers/:id/unmatch', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const { t, lang } = request
    const { id } = request.params as { id: string }
    if (!isUuid(id)) throw new NotFoundError()
    const values = text(request.body, UNMATCH_FIELDS)
    const parsed = unmatchForm.safeParse(request.body ?? {})
    if (!parsed.success) return detailPage(request, reply, id, { unmatch: { values, errors: zodFormErrors(t, parsed.error, {}, UNMATCH_FIELDS) } }, 400)
    const result = await unmatchOffer(db, id, parsed.data.unmatchReason, staffActor(request, officer), clock.now())
    if (result !== 'unmatched') {
      return detailPage(request, reply, id, { unmatch: { values, errors: formErrors([['unmatchReason', t(result === 'decided' ? 'consoleWork.offer.errDecidedCannotUnmatch' : 'consoleWork.offer.errNotMatched')]]) } }, 409)
    }
    return reply.redirect(`/${lang}/console/offers/${id}?done=unmatched`, 303)
  })

  scope.post('/console/offers/:id/decision', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const { t, lang } = request
    const { id } = request.params as { id: string }
    if (!isUuid(id)) throw new NotFoundError()
    const values = text(request.body, DECISION_FIELDS)
    const parsed = decisionForm.safeParse(request.body ?? {})
    if (!parsed.success) return detailPage(request, reply, id, { decision: { values, errors: zodFormErrors(t, parsed.error, {}, DECISION_FIELDS) } }, 400)
    const now = clock.now()
    const v = parsed.data
    if (v.outcome === 'issued') {
      // A first day of employment within a year of today: a typo such as 2062 is caught here.
      const today = dayInZone(now, deps.timeZone)
      const yearAgo = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`
      const yearAhead = `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`
      if (v.firstDay < yearAgo || v.firstDay > yearAhead) return detailPage(request, reply, id, { decision: { values, errors: formErrors([['firstDay', t('consoleWork.offer.errFirstDayRange')]]) } }, 400)
    }
    // A decision tells the employer and cannot be changed (a refusal also refunds the fee): it is confirmed on a page of its own first (no script needed).
    const answer = (request.body as Record<string, unknown> | undefined)?.confirm
    if (answer === 'no') return detailPage(request, reply, id, { decision: { values } })
    if (answer !== 'yes') {
      const d = await loadDetail(id)
      if (d.offer.status === 'matched' && !d.decision) {
        const offerNumber = d.offer.offer_number ?? ''
        const title = t(v.outcome === 'refused' ? 'consoleWork.offer.confirmRefusalTitle' : 'consoleWork.offer.confirmIssuedTitle', { offerNumber })
        return reply.page({
          title,
          breadcrumbs: [...crumbs(request), { text: t('consoleWork.offer.title', { offerNumber: offerNumber || '—' }), href: `/${lang}/console/offers/${id}` }],
          body: v.outcome === 'refused' ? confirmRefusalView(t, lang, reply.csrfToken(), d, v.note) : confirmIssuedView(t, lang, reply.csrfToken(), d, v.firstDay, v.note),
        })
      }
    }
    const input = v.outcome === 'issued' ? { outcome: 'issued' as const, firstDay: v.firstDay, note: v.note } : { outcome: 'refused' as const, note: v.note }
    const result = await recordDecision(db, deps.payments, id, input, staffActor(request, officer), now)
    if (result.kind === 'notMatched') return detailPage(request, reply, id, { decision: { values, errors: formErrors([['outcome', t('consoleWork.offer.errNotMatched')]]) } }, 409)
    if (result.kind === 'alreadyDecided') return detailPage(request, reply, id, { decision: { values, errors: formErrors([['outcome', t('consoleWork.offer.errAlreadyDecided')]]) } }, 409)
    return reply.redirect(`/${lang}/console/offers/${id}?done=${v.outcome}${result.refund ? `&refund=${result.refund}` : ''}`, 303)
  })

  scope.post('/console/offers/:id/refund', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const { id } = request.params as { id: string }
    if (!isUuid(id) || !(await repo.findOfferById(db, id))) throw new NotFoundError()
    const outcome = await retryRefund(db, deps.payments, id, staffActor(request, officer))
    return reply.redirect(`/${request.lang}/console/offers/${id}?refund=${outcome}`, 303)
  })

  scope.post('/console/offers/:id/corrections', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const { t, lang } = request
    const { id } = request.params as { id: string }
    if (!isUuid(id)) throw new NotFoundError()
    const values = text(request.body, CORRECTION_FIELDS)
    const parsed = correctionForm.safeParse(request.body ?? {})
    if (!parsed.success) return detailPage(request, reply, id, { correction: { values, errors: zodFormErrors(t, parsed.error, {}, CORRECTION_FIELDS) } }, 400)
    const result = await correctOffer(db, id, parsed.data, staffActor(request, officer), clock.now())
    if (result.kind === 'invalid') return detailPage(request, reply, id, { correction: { values, errors: formErrors([['value', t(CORRECTION_PROBLEM[result.problem])]]) } }, 400)
    if (result.kind === 'notSubmitted') return detailPage(request, reply, id, { correction: { values, errors: formErrors([['field', t('consoleWork.offer.errReadOnly')]]) } }, 409)
    return reply.redirect(`/${lang}/console/offers/${id}?done=corrected`, 303)
  })
}
