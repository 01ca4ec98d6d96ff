import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { SignedInUser } from '../../db/database.ts'
import { actorFrom } from '../../platform/audit.ts'
import { formatInZone } from '../../platform/dates.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { html } from '../../platform/html.ts'
import { button, csrfField, notice, radios, summaryList, textarea } from '../../ui/components.ts'
import { zodFormErrors, type FormErrors } from '../../ui/form-errors.ts'
import { requireStaff } from '../auth/guards.ts'
import { findUserById, fullName, joinedFullName } from '../auth/users.repository.ts'
import { confirmDecisionForm, decisionCells, decisionHeadings, decisionRows } from '../console/decision.views.ts'
import { formatBusinessNumber } from '../reference/validators.ts'
import { sendDocument } from './offers-documents.routes.ts'
import type { OfferDeps } from './offers.routes.ts'
import type { Offer } from './offers.tables.ts'
import { answersSummary, documentsList } from './offers.views.ts'

const decisionSchema = z.object({
  decision: z.enum(['accepted', 'refused'], { error: 'offers.feeReview.errDecision' }),
  reason: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string().min(1, 'offers.feeReview.errReason').max(2000, 'offers.withdrawReasonTooLong')),
})

/**
 * The officers' queue of claimed fee exemptions: offers submitted without the fee, for an
 * officer to take ("Assign to me"), read with their proof, and accept or refuse with a reason.
 */
export function registerFeeReviewRoutes(scope: FastifyInstance, deps: OfferDeps): void {
  const { db, offers, timeZone } = deps
  const base = (lang: string, id?: string) => `/${lang}/console/fee-exemptions${id ? `/${id}` : ''}`

  scope.get('/console/fee-exemptions', async (request, reply) => {
    if (!requireStaff(request, reply)) return reply
    const { t, lang } = request
    const state = (request.query as Record<string, unknown>).state === 'decided' ? 'decided' : 'open'
    const rows = await offers.feeReviews(state)
    const title = state === 'open' ? t('offers.feeReview.queueTitle') : t('offers.feeReview.decidedQueueTitle')
    return reply.page({
      title,
      breadcrumbs: [{ text: t('account.consoleTitle'), href: `/${lang}/console` }],
      body: html`<h1>${title}</h1>
<p>${t('offers.feeReview.queueLead')}</p>
<p>${state === 'open' ? html`<a href="${base(lang)}?state=decided">${t('offers.feeReview.showDecided')}</a>` : html`<a href="${base(lang)}">${t('offers.feeReview.showOpen')}</a>`}</p>
${
  rows.length === 0
    ? html`<p>${t('offers.feeReview.none')}</p>`
    : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table"><caption class="visually-hidden">${title}</caption>
<thead><tr><th scope="col">${t('offers.number')}</th><th scope="col">${t('payment.business')}</th><th scope="col">${t('offers.worker')}</th><th scope="col">${t('offers.feeReview.claimed')}</th><th scope="col">${t('offers.submittedAt')}</th>${
        state === 'open' ? html`<th scope="col">${t('offers.feeReview.assignee')}</th>` : html`<th scope="col">${t('offers.feeReview.decision')}</th>${decisionHeadings(t)}`
      }</tr></thead>
<tbody>${rows.map(
        (r) => html`<tr><td><a href="${base(lang, r.id)}">${r.offer_number}</a></td><td>${r.legal_name}</td><td>${r.worker_name}</td><td>${r.fee_exemption ? t(`offers.fee_${r.fee_exemption}`) : ''}</td><td>${r.submitted_at ? formatInZone(lang, r.submitted_at, timeZone, 'listed') : ''}</td>${
          state === 'open'
            ? html`<td>${r.assignee ?? t('offers.feeReview.unassigned')}</td>`
            : html`<td>${r.fee_review_decision ? t(`offers.feeReview.${r.fee_review_decision}`) : ''}</td>${decisionCells(lang, timeZone, { decider: joinedFullName(r.decider_given_name, r.decider_family_name, r.decider_username), decidedAt: r.fee_reviewed_at })}`
        }</tr>`,
      )}</tbody></table></div>`
}`,
    })
  })

  const load = async (request: FastifyRequest, reply: FastifyReply): Promise<{ officer: SignedInUser; offer: Offer } | undefined> => {
    const officer = requireStaff(request, reply)
    if (!officer) return undefined
    const offer = await offers.byId((request.params as { id: string }).id)
    // Only offers that claimed an exemption are in this queue.
    if (!offer || !offer.fee_exemption || !offer.offer_number) throw new NotFoundError()
    return { officer, offer }
  }

  /** `stale`: this officer's decision came after another one and was not recorded (409). */
  const detail = async (request: FastifyRequest, reply: FastifyReply, officer: SignedInUser, offer: Offer, values: Record<string, string> = {}, errors?: FormErrors, stale = false) => {
    const { t, lang } = request
    const csrf = csrfField(reply.csrfToken())
    const [docs, reviewer, assignee, business] = await Promise.all([
      offers.documents(offer),
      offer.fee_reviewed_by ? findUserById(db, offer.fee_reviewed_by) : undefined,
      offer.fee_review_assignee && offer.fee_review_assignee !== officer.id ? findUserById(db, offer.fee_review_assignee) : undefined,
      db.selectFrom('business').select(['id', 'legal_name', 'business_number', 'employer_number']).where('id', '=', offer.business_id).executeTakeFirstOrThrow(),
    ])
    const title = t('offers.feeReview.detailTitle', { number: offer.offer_number ?? '' })
    // The officer by name, as every decided request names its decider.
    const decider = reviewer && fullName(reviewer)
    const decided = offer.fee_review_decision && offer.fee_reviewed_at ? { officer: decider ?? '—', date: formatInZone(lang, offer.fee_reviewed_at, timeZone, 'dateTime') } : undefined
    return reply.page(
      {
        title,
        errors,
        breadcrumbs: [{ text: t('account.consoleTitle'), href: `/${lang}/console` }, { text: t('offers.feeReview.queueTitle'), href: base(lang) }],
        body: html`<h1>${title}</h1>
${
  // Just recorded by this officer (post/redirect/get): what was recorded, read back from the offer.
  !stale && !errors && (request.query as Record<string, unknown>).recorded === '1' && offer.fee_review_decision && offer.fee_reviewed_by === officer.id
    ? notice({ kind: 'success', title: t('offers.feeReview.recordedTitle', { decision: t(`offers.feeReview.${offer.fee_review_decision}`) }), body: html`<p>${t('offers.feeReview.recordedBody')}</p>` })
    : ''
}
${
  stale && offer.fee_review_decision && decided
    ? notice({
        kind: 'warning',
        title: t('offers.feeReview.alreadyDecidedTitle'),
        body: html`<p>${t('offers.feeReview.alreadyDecidedBody', { ...decided, decision: t(`offers.feeReview.${offer.fee_review_decision}`) })}</p>`,
      })
    : ''
}
${summaryList([
  { key: t('consoleWork.search.legalName'), value: html`<a href="/${lang}/console/employers/${business.id}">${business.legal_name}</a>` },
  { key: t('consoleWork.search.businessNumber'), value: formatBusinessNumber(business.business_number) },
  { key: t('consoleWork.search.employerNumber'), value: business.employer_number },
  { key: t('consoleWork.feeReview.offer'), value: html`<a href="/${lang}/console/offers/${offer.id}">${t('consoleWork.feeReview.offerLink', { number: offer.offer_number ?? '' })}</a>` },
  { key: t('offers.feeReview.claimed'), value: offer.fee_exemption ? t(`offers.fee_${offer.fee_exemption}`) : '' },
  // In the style of "Decided on" below (decisionRows): one style of date on the page.
  { key: t('offers.submittedAt'), value: offer.submitted_at ? formatInZone(lang, offer.submitted_at, timeZone, 'listed') : '' },
  { key: t('offers.feeReview.decision'), value: offer.fee_review_decision ? t(`offers.feeReview.${offer.fee_review_decision}`) : t('offers.feeReview.undecided') },
  ...(offer.fee_review_decision ? [{ key: t('offers.feeReview.reason'), value: offer.fee_review_reason ?? '' }, ...decisionRows(t, lang, timeZone, { decider, decidedAt: offer.fee_reviewed_at })] : []),
])}
<h2>${t('offers.feeReview.proof')}</h2>
${documentsList(t, lang, offer, docs, timeZone, { href: (d) => `${base(lang, offer.id)}/documents/${d.id}` })}
${
  offer.needs_review
    ? html`<h2>${t('consoleWork.feeReview.assignmentTitle')}</h2>
<p>${offer.fee_review_assignee === officer.id ? t('consoleWork.feeReview.assignedToYou') : assignee ? t('consoleWork.feeReview.assignedTo', { name: fullName(assignee) }) : t('consoleWork.feeReview.notAssigned')}</p>
${
  offer.fee_review_assignee === officer.id
    ? ''
    : html`<form method="post" action="${base(lang, offer.id)}/assign">${csrf}${button({ text: t('offers.feeReview.assignToMe'), variant: 'secondary' })}</form>`
}
<h2>${t('offers.feeReview.decideTitle')}</h2>
<form method="post" action="${base(lang, offer.id)}/decision" novalidate>
${csrf}
${radios({ t, name: 'decision', label: t('offers.feeReview.decision'), value: values.decision ?? '', error: errors?.fields.decision, required: true, options: [{ value: 'accepted', text: t('offers.feeReview.accepted') }, { value: 'refused', text: t('offers.feeReview.refused') }] })}
${textarea({ t, name: 'reason', label: t('offers.feeReview.reason'), hint: t('offers.feeReview.reasonHint'), value: values.reason ?? '', error: errors?.fields.reason, required: true, rows: 4, maxlength: 2000 })}
${button({ text: t('offers.feeReview.record'), preventDoubleClick: true })}
</form>`
    : notice({ kind: 'info', title: t('offers.feeReview.decidedTitle') })
}
<h2>${t('offers.feeReview.offerTitle')}</h2>
${answersSummary(t, lang, offer, 'h3')}`,
      },
      stale ? 409 : errors ? 400 : 200,
    )
  }

  /** Before the decision is recorded: what it does (the employer told, the fee owed or not), with Yes and No. */
  const confirmPage = async (request: FastifyRequest, reply: FastifyReply, offer: Offer, decision: 'accepted' | 'refused', reason: string) => {
    const { t, lang } = request
    const business = await db.selectFrom('business').select(['legal_name']).where('id', '=', offer.business_id).executeTakeFirstOrThrow()
    const number = offer.offer_number ?? ''
    const accept = decision === 'accepted'
    const title = t(accept ? 'consoleWork.feeReview.confirmAcceptTitle' : 'consoleWork.feeReview.confirmRefuseTitle', { number })
    return reply.page({
      title,
      breadcrumbs: [{ text: t('account.consoleTitle'), href: `/${lang}/console` }, { text: t('offers.feeReview.queueTitle'), href: base(lang) }, { text: t('offers.feeReview.detailTitle', { number }), href: base(lang, offer.id) }],
      body: html`<h1>${title}</h1>
${summaryList([
  { key: t('consoleWork.search.legalName'), value: business.legal_name },
  { key: t('offers.worker'), value: offer.worker_name },
  { key: t('consoleWork.feeReview.offer'), value: html`<a href="/${lang}/console/offers/${offer.id}">${t('consoleWork.feeReview.offerLink', { number: offer.offer_number ?? '' })}</a>` },
  { key: t('offers.feeReview.claimed'), value: offer.fee_exemption ? t(`offers.fee_${offer.fee_exemption}`) : '' },
  { key: t('offers.feeReview.decision'), value: t(`offers.feeReview.${decision}`) },
  { key: t('offers.feeReview.reason'), value: reason },
])}
<p>${t(accept ? 'consoleWork.feeReview.confirmAcceptBody' : 'consoleWork.feeReview.confirmRefuseBody')}</p>
<p>${t('consoleWork.feeReview.confirmFinal')}</p>
${confirmDecisionForm({
  action: `${base(lang, offer.id)}/decision`,
  csrf: reply.csrfToken(),
  values: { decision, reason },
  yes: { text: t(accept ? 'consoleWork.feeReview.confirmAcceptYes' : 'consoleWork.feeReview.confirmRefuseYes'), variant: accept ? 'primary' : 'danger', name: 'confirm', value: 'yes' },
  no: { text: t('consoleWork.feeReview.confirmNo'), name: 'confirm', value: 'no' },
})}`,
    })
  }

  scope.get('/console/fee-exemptions/:id', async (request, reply) => {
    const found = await load(request, reply)
    if (!found) return reply
    return detail(request, reply, found.officer, found.offer)
  })

  scope.post('/console/fee-exemptions/:id/assign', async (request, reply) => {
    const found = await load(request, reply)
    if (!found) return reply
    await offers.assignFeeReview(found.offer, found.officer.id, actorFrom(request, found.officer))
    return reply.redirect(base(request.lang, found.offer.id), 303)
  })

  scope.post('/console/fee-exemptions/:id/decision', async (request, reply) => {
    const found = await load(request, reply)
    if (!found) return reply
    // Already decided: said before the form is checked (its fields are no longer on the page).
    if (!found.offer.needs_review && found.offer.fee_review_decision) return detail(request, reply, found.officer, found.offer, {}, undefined, true)
    const body = (request.body ?? {}) as Record<string, unknown>
    const parsed = decisionSchema.safeParse(body)
    if (!parsed.success) {
      const values = { decision: typeof body.decision === 'string' ? body.decision : '', reason: typeof body.reason === 'string' ? body.reason : '' }
      return detail(request, reply, found.officer, found.offer, values, zodFormErrors(request.t, parsed.error, {}, ['decision', 'reason']))
    }
    // The employer is told at once and the fee follows from it: asked first, on a page of its own (no script needed).
    const answer = body.confirm
    if (answer === 'no') return detail(request, reply, found.officer, found.offer, { decision: parsed.data.decision, reason: parsed.data.reason })
    if (answer !== 'yes') return confirmPage(request, reply, found.offer, parsed.data.decision, parsed.data.reason)
    const recorded = await offers.decideFeeReview(found.offer, parsed.data.decision, parsed.data.reason, { ...actorFrom(request, found.officer), userId: found.officer.id })
    // Decided meanwhile (another officer, or Back and the form sent again): nothing changes, and the officer is told who decided what, and when.
    if (!recorded) return detail(request, reply, found.officer, (await offers.byId(found.offer.id)) ?? found.offer, {}, undefined, true)
    return reply.redirect(`${base(request.lang, found.offer.id)}?recorded=1`, 303)
  })

  scope.get('/console/fee-exemptions/:id/documents/:documentId', async (request, reply) => {
    const found = await load(request, reply)
    if (!found) return reply
    const doc = await offers.document(found.offer, (request.params as { documentId: string }).documentId)
    if (!doc) throw new NotFoundError()
    return sendDocument(reply, doc)
  })
}
