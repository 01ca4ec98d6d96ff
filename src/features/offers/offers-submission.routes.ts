import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { actorFrom, type Actor } from '../../platform/audit.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { html } from '../../platform/html.ts'
import { isUuid } from '../../platform/ids.ts'
import { button, csrfField, linkButton, notice, summaryList, textarea } from '../../ui/components.ts'
import { zodFormErrors } from '../../ui/form-errors.ts'
import { formatDay, formatInZone } from '../../platform/dates.ts'
import { requireEmployer } from '../auth/guards.ts'
import * as payRepo from '../payment/payment.repository.ts'
import { receiptList, retryMessage } from '../payment/payment.views.ts'
import type { Payment, PaymentRefund } from '../payment/payment.tables.ts'
import type { Lang, Translate } from '../../i18n/i18n.ts'
import { formatMoney } from '../reference/validators.ts'
import { offerPdf, receiptPdf } from './offers.pdf.ts'
import { offerAndMembership, type OfferDeps } from './offers.routes.ts'
import { workPermitDecision } from './offers.repository.ts'
import { sectionProblems, SECTION_IDS } from './offers.sections.ts'
import { OFFER_PURPOSE } from './offers.service.ts'
import type { Offer } from './offers.tables.ts'
import { answersSummary, copyNote, documentsList, paymentHistory, STATUS_KEY } from './offers.views.ts'

/** What became of the fee of a withdrawn offer: none paid, refunded (when), its refund under way, or failed. */
function feeAfterWithdrawal(t: Translate, lang: Lang, history: Array<{ payment: Payment; refunds: PaymentRefund[] }>, timeZone: string): string {
  const paid = history.find((h) => h.payment.status === 'approved' || h.payment.status === 'refunded')
  if (!paid) return t('offers.withdrawnFee.none')
  const refund = paid.refunds.find((r) => r.status === 'succeeded') ?? paid.refunds.find((r) => r.status === 'pending') ?? paid.refunds[0]
  const facts = { amount: formatMoney(paid.payment.amount_cents, lang), receipt: paid.payment.receipt_number ?? '' }
  if (refund?.status === 'succeeded') return t('offers.withdrawnFee.refunded', { ...facts, date: formatInZone(lang, refund.completed_at ?? refund.created_at, timeZone, 'dateTime') })
  if (refund?.status === 'failed') return t('offers.withdrawnFee.failed', facts)
  // No refund yet (the reconciler starts it) or one under way.
  return t('offers.withdrawnFee.pending', facts)
}

const withdrawSchema = z.object({
  reason: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string().min(1, 'offers.withdrawReasonRequired').max(2000, 'offers.withdrawReasonTooLong')),
})

/**
 * An offer from review to its end: the review page, "Submit" (then the fee), the
 * offer's own page in every status, withdrawal, copy, deletion of a draft, and its PDF.
 */
export function registerOfferSubmissionRoutes(scope: FastifyInstance, deps: OfferDeps): void {
  const { db, offers, timeZone } = deps

  scope.get('/offers/:id/review', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const { offer, membership } = await offerAndMembership(deps, request, user)
    if (offer.status !== 'draft') return reply.redirect(`/${lang}/offers/${offer.id}`, 303)
    if ((await offers.submissionProblems(offer, lang)).length > 0) return reply.redirect(`/${lang}/offers/${offer.id}/validate`, 303)
    const conflict = (request.query as Record<string, unknown>).changed === '1'
    const exempt = offer.answers.exemption?.feeExemption === 'employer' || offer.answers.exemption?.feeExemption === 'worker'
    // The same foreign national already has an offer pending (or awaiting its fee) here: said before a second fee is charged; the person may still go on.
    const same = await offers.sameWorkerOffers(membership, offer)
    return reply.page({
      title: t('offers.reviewTitle'),
      breadcrumbs: [{ text: t('offers.queueTitle'), href: `/${lang}/offers` }],
      body: html`<h1>${t('offers.reviewTitle')}</h1>
<p class="offer-employer">${t('offers.offerFor', { business: membership.businessName })}</p>
${copyNote(t, lang, offer, await offers.copySource(membership, offer), timeZone)}
${conflict ? notice({ kind: 'warning', title: t('offers.reviewChangedTitle'), body: t('offers.reviewChangedBody') }) : ''}
${
  same.length
    ? notice({
        kind: 'warning',
        title: t('offers.sameWorkerTitle'),
        body: html`<p>${t('offers.sameWorkerBody')}</p><ul>${same.map(
          (o) => html`<li><a href="/${lang}/offers/${o.id}">${o.offer_number ? t('offers.sameWorkerOffer', { number: o.offer_number }) : t('offers.sameWorkerUnnumbered')}</a> (${t(STATUS_KEY[o.status])})</li>`,
        )}</ul><p>${exempt ? t('offers.sameWorkerGoOnExempt') : t('offers.sameWorkerGoOn', { amount: formatMoney(await offers.feeCents(), lang) })}</p>`,
      })
    : ''
}
<p>${t('offers.reviewLead')}</p>
${answersSummary(t, lang, offer)}
<h2>${t('offers.docsTitle')}</h2>
${documentsList(t, lang, offer, await offers.documents(offer), timeZone)}
<p><a href="/${lang}/offers/${offer.id}/documents">${t('offers.docsLink')}</a></p>
<h2>${t('offers.feeTitle')}</h2>
<p>${exempt ? t('offers.feeExemptBody') : t('offers.feeBody', { amount: formatMoney(await offers.feeCents(), lang) })}</p>
<form method="post" action="/${lang}/offers/${offer.id}/submit">
${csrfField(reply.csrfToken())}
<input type="hidden" name="version" value="${offer.version}">
${button({ text: exempt ? t('offers.submitExempt') : t('offers.submitPay'), variant: 'primary', preventDoubleClick: true })}
</form>`,
    })
  })

  scope.post('/offers/:id/submit', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { lang } = request
    const { offer } = await offerAndMembership(deps, request, user)
    const version = Number((request.body as Record<string, unknown> | undefined)?.version)
    const result = await offers.submit(offer, Number.isInteger(version) ? version : -1, lang, actorFrom(request, user))
    switch (result.kind) {
      case 'problems':
        return reply.redirect(`/${lang}/offers/${offer.id}/validate`, 303)
      case 'conflict':
        return reply.redirect(`/${lang}/offers/${offer.id}/review?changed=1`, 303)
      case 'submitted':
      case 'notDraft':
        // Submitted already (a second tab, a double click): its page says where it stands.
        if (result.offer.status !== 'awaiting_payment') return reply.redirect(`/${lang}/offers/${offer.id}`, 303)
        break
      case 'pay':
        break
    }
    return startPayment(offer.id, user.id, lang, reply, actorFrom(request, user))
  })

  /** Sends the person to the hosted payment page (the same one from every tab), or back to the offer. */
  async function startPayment(offerId: string, userId: string, lang: 'en' | 'fr', reply: FastifyReply, actor: Actor) {
    const offer = await offers.byId(offerId)
    if (!offer) throw new NotFoundError()
    const started = await offers.pay(offer, userId, lang, actor)
    if (started.kind === 'redirect') return reply.redirect(started.redirectUrl, 303)
    return reply.redirect(`/${lang}/offers/${offerId}`, 303)
  }

  scope.post('/offers/:id/pay', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { offer } = await offerAndMembership(deps, request, user)
    return startPayment(offer.id, user.id, request.lang, reply, actorFrom(request, user))
  })

  scope.post('/offers/:id/reopen', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { offer } = await offerAndMembership(deps, request, user)
    const reopened = await offers.reopen(offer, actorFrom(request, user))
    return reply.redirect(reopened ? `/${request.lang}/offers/${offer.id}/validate` : `/${request.lang}/offers/${offer.id}`, 303)
  })

  scope.get('/offers/:id', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const loaded = await offerAndMembership(deps, request, user)
    if (loaded.offer.status === 'draft') {
      const first = SECTION_IDS.find((s) => sectionProblems(s, loaded.offer.answers, lang, offers.today()).length > 0)
      return reply.redirect(`/${lang}/offers/${loaded.offer.id}/${first ?? 'review'}`, 303)
    }
    // Closing the tab after paying, before the return: ask the gateway now.
    const offer = await offers.refreshPayment(loaded.offer, actorFrom(request, user))
    const history = await offers.paymentHistory(offer)
    const latest = history[0]?.payment
    const title = offer.offer_number ? t('offers.viewTitle', { number: offer.offer_number }) : t('offers.awaitingTitle')
    const csrf = csrfField(reply.csrfToken())
    const approved = history.find((h) => h.payment.receipt_number)?.payment
    const feeOwed = offer.status === 'pending' && (await offers.feeOwed(offer))
    const permit = offer.status === 'matched' ? await workPermitDecision(db, offer.id) : undefined
    const copy = copyNote(t, lang, offer, await offers.copySource(loaded.membership, offer), timeZone)
    return reply.page({
      title,
      breadcrumbs: [{ text: t('offers.queueTitle'), href: `/${lang}/offers` }],
      body: html`<h1>${title}</h1>
${copy}
${
  offer.status === 'awaiting_payment'
    ? html`${
        latest && latest.status !== 'pending'
          ? notice({ kind: 'warning', title: t('payment.notPaidTitle'), body: retryMessage(t, latest) })
          : latest?.status === 'pending'
            ? notice({ kind: 'info', title: t('payment.openTitle'), body: t('offers.payInProgress') })
            : notice({ kind: 'info', title: t('offers.awaitingTitle'), body: t('offers.awaitingBody') })
      }
<form method="post" action="/${lang}/offers/${offer.id}/pay" class="inline-form">${csrf}${button({ text: latest?.status === 'pending' ? t('payment.resume') : t('offers.payNow', { amount: formatMoney(await offers.feeCents(), lang) }), variant: 'primary', preventDoubleClick: true })}</form>
${latest?.status === 'pending' ? '' : html`<form method="post" action="/${lang}/offers/${offer.id}/reopen" class="inline-form">${csrf}${button({ text: t('offers.reopen'), variant: 'secondary' })}</form>`}`
    : html`${notice({
        kind: offer.status === 'withdrawn' ? 'info' : 'success',
        // Just submitted (and paid): say so, with the receipt's number; later, where the offer stands.
        title: offer.status !== 'pending' ? t(STATUS_KEY[offer.status]) : approved?.receipt_number ? t('offers.submittedPaidTitle', { receipt: approved.receipt_number }) : t('offers.submittedTitle'),
        body: offer.status === 'withdrawn' ? t('offers.withdrawnBody', { reason: offer.withdrawal_reason ?? '', fee: feeAfterWithdrawal(t, lang, history, timeZone) }) : permit ? '' : t('offers.tellWorker', { number: offer.offer_number ?? '' }),
      })}
${
  permit
    ? html`<h2>${t('offers.permit.title')}</h2>${summaryList([
        { key: t('offers.permit.decision'), value: permit.outcome === 'issued' ? t('offers.permit.issued') : t('offers.permit.refused') },
        { key: t('offers.permit.decidedOn'), value: formatInZone(lang, permit.decided_at, timeZone, 'date') },
        ...(permit.outcome === 'issued'
          ? [
              { key: t('offers.permit.firstDay'), value: formatDay(lang, permit.first_day_of_employment) },
              { key: t('offers.permit.inspectionUntil'), value: formatDay(lang, permit.inspection_until) },
            ]
          : []),
      ])}${permit.outcome === 'issued' ? html`<p>${t('offers.permit.keepRecords')}</p>` : ''}`
    : ''
}
${offer.needs_review ? html`<p>${t('offers.feeExemptReview')}</p>` : ''}
${
  feeOwed
    ? html`${notice({ kind: 'warning', title: t('offers.feeReview.ownerTitle'), body: t('offers.feeReview.ownerBody', { reason: offer.fee_review_reason ?? '' }) })}
<form method="post" action="/${lang}/offers/${offer.id}/pay" class="inline-form">${csrf}${button({ text: latest?.status === 'pending' ? t('payment.resume') : t('offers.payNow', { amount: formatMoney(await offers.feeCents(), lang) }), variant: 'primary', preventDoubleClick: true })}</form>`
    : ''
}
${approved ? html`<h2>${t('payment.receiptTitle')}</h2>${receiptList(t, lang, approved, timeZone)}` : ''}`
}
${summaryList([
  { key: t('offers.number'), value: offer.offer_number ?? t('offers.noNumberYet') },
  { key: t('offers.status'), value: t(STATUS_KEY[offer.status]) },
  // Awaiting payment: not submitted yet, and the employer is told what submits it (never an empty date).
  { key: t('offers.submittedAt'), value: offer.submitted_at ? formatInZone(lang, offer.submitted_at, timeZone, 'dateTime') : t('offers.notSubmittedYet') },
  { key: t('offers.worker'), value: offer.worker_name },
  { key: t('offers.job'), value: offer.job_title },
])}
<div class="button-group">
${offer.offer_number ? linkButton({ text: t('offers.downloadPdf'), href: `/${lang}/offers/${offer.id}/offer.pdf` }) : ''}
${approved ? linkButton({ text: t('payment.receiptPdf'), href: `/${lang}/offers/${offer.id}/payments/${approved.id}/receipt.pdf`, variant: 'secondary' }) : ''}
<form method="post" action="/${lang}/offers/${offer.id}/copy" class="inline-form">${csrf}${button({ text: t('offers.copy'), variant: 'secondary' })}</form>
${offer.status === 'pending' ? linkButton({ text: t('offers.withdraw'), href: `/${lang}/offers/${offer.id}/withdraw`, variant: 'secondary' }) : ''}
</div>
${answersSummary(t, lang, offer)}
<h2>${t('offers.docsTitle')}</h2>
${documentsList(t, lang, offer, await offers.documents(offer), timeZone)}
<h2>${t('offers.paymentsTitle')}</h2>
${history.length === 0 && offer.fee_exemption && offer.fee_review_decision !== 'refused' ? html`<p>${offer.fee_review_decision === 'accepted' ? t('offers.noPaymentsExemptAccepted') : t('offers.noPaymentsExempt')}</p>` : paymentHistory(t, lang, offer.id, history, timeZone)}`,
    })
  })

  const withdrawPage = (request: FastifyRequest, reply: FastifyReply, offer: Offer, reason: string, errors?: ReturnType<typeof zodFormErrors>) => {
    const { t, lang } = request
    return reply.page(
      {
        title: t('offers.withdrawTitle', { number: offer.offer_number ?? '' }),
        errors,
        backLink: { href: `/${lang}/offers/${offer.id}`, text: t('offers.backToOffer') },
        body: html`<h1>${t('offers.withdrawTitle', { number: offer.offer_number ?? '' })}</h1>
<p>${t('offers.withdrawLead')}</p>
<form method="post" action="/${lang}/offers/${offer.id}/withdraw" novalidate>
${csrfField(reply.csrfToken())}
${textarea({ t, name: 'reason', label: t('offers.withdrawReason'), value: reason, error: errors?.fields.reason, required: true, rows: 4, maxlength: 2000 })}
<div class="button-group">${button({ text: t('offers.withdrawConfirm'), variant: 'danger', preventDoubleClick: true })} <a href="/${lang}/offers/${offer.id}">${t('offers.cancel')}</a></div>
</form>`,
      },
      errors ? 400 : 200,
    )
  }

  scope.get('/offers/:id/withdraw', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { offer } = await offerAndMembership(deps, request, user)
    if (offer.status !== 'pending') return reply.redirect(`/${request.lang}/offers/${offer.id}`, 303)
    return withdrawPage(request, reply, offer, '')
  })

  scope.post('/offers/:id/withdraw', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { offer } = await offerAndMembership(deps, request, user)
    const body = (request.body ?? {}) as Record<string, unknown>
    const parsed = withdrawSchema.safeParse(body)
    if (!parsed.success) return withdrawPage(request, reply, offer, typeof body.reason === 'string' ? body.reason : '', zodFormErrors(request.t, parsed.error))
    await offers.withdraw(offer, parsed.data.reason, actorFrom(request, user))
    return reply.redirect(`/${request.lang}/offers/${offer.id}`, 303)
  })

  scope.post('/offers/:id/copy', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { offer, membership } = await offerAndMembership(deps, request, user)
    const copy = await offers.copy(membership, offer, user.id, actorFrom(request, user))
    return reply.redirect(`/${request.lang}/offers/${copy.id}/${SECTION_IDS[0]}`, 303)
  })

  scope.get('/offers/:id/delete', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const { offer } = await offerAndMembership(deps, request, user)
    if (offer.status !== 'draft') return reply.redirect(`/${lang}/offers/${offer.id}`, 303)
    return reply.page({
      title: t('offers.deleteTitle'),
      backLink: { href: `/${lang}/offers`, text: t('offers.queueTitle') },
      body: html`<h1>${t('offers.deleteTitle')}</h1>
<p>${t('offers.deleteLead', { worker: offer.worker_name || '—', job: offer.job_title || '—' })}</p>
<form method="post" action="/${lang}/offers/${offer.id}/delete">${csrfField(reply.csrfToken())}
<div class="button-group">${button({ text: t('offers.deleteConfirm'), variant: 'danger' })} <a href="/${lang}/offers/${offer.id}">${t('offers.cancel')}</a></div></form>`,
    })
  })

  scope.post('/offers/:id/delete', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { offer } = await offerAndMembership(deps, request, user)
    if (offer.status !== 'draft') return reply.redirect(`/${request.lang}/offers/${offer.id}`, 303)
    await offers.deleteDraft(offer, actorFrom(request, user))
    return reply.redirect(`/${request.lang}/offers?deleted=1`, 303)
  })

  scope.get('/offers/:id/offer.pdf', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { offer } = await offerAndMembership(deps, request, user)
    if (!offer.offer_number) throw new NotFoundError()
    const business = await db.selectFrom('business').select(['legal_name', 'business_number', 'employer_number']).where('id', '=', offer.business_id).executeTakeFirstOrThrow()
    const pdf = await offerPdf(offer, business, await offers.documents(offer), timeZone)
    return reply
      .header('content-type', 'application/pdf')
      // Named in the page's language: « offre-A1234567.pdf » on a French page.
      .header('content-disposition', `attachment; filename="${request.t('offers.pdfFileName', { number: offer.offer_number })}"`)
      .header('cache-control', 'private, no-store')
      .send(pdf)
  })

  scope.get('/offers/:id/payments/:paymentId/receipt.pdf', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { offer } = await offerAndMembership(deps, request, user)
    const paymentId = (request.params as { paymentId: string }).paymentId
    const payment = isUuid(paymentId) ? await payRepo.findPayment(db, paymentId) : undefined
    if (!payment || payment.purpose_type !== OFFER_PURPOSE || payment.purpose_id !== offer.id || !payment.receipt_number) throw new NotFoundError()
    const business = await db.selectFrom('business').select(['legal_name', 'business_number', 'employer_number']).where('id', '=', offer.business_id).executeTakeFirstOrThrow()
    const pdf = await receiptPdf(payment, await offers.refunds(payment.id), offer, business, timeZone)
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="${request.t('offers.receiptFileName', { receipt: payment.receipt_number })}"`)
      .header('cache-control', 'private, no-store')
      .send(pdf)
  })
}
