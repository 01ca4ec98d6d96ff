import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SignedInUser } from '../../db/database.ts'
import { z } from 'zod'
import { actorFrom } from '../../platform/audit.ts'
import { formatBusinessNumber } from '../reference/validators.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { html } from '../../platform/html.ts'
import { button, csrfField, notice, radios, select, summaryList, textarea } from '../../ui/components.ts'
import { formErrors, type FormErrors } from '../../ui/form-errors.ts'
import { fullName, joinedFullName } from '../auth/users.repository.ts'
import { requireEmployer, requireStaff } from '../auth/guards.ts'
import { findUserById } from '../auth/users.repository.ts'
import { findBusinessByNumber, findDraft } from './enrolment.repository.ts'
import { activePrimaryUser } from '../access/access.repository.ts'
import type { EnrolmentDeps } from './enrolment.routes.ts'
import { assignPrimaryTransfer, decidePrimaryTransfer, requestPrimaryTransfer } from './primary-transfer.service.ts'
import { isUuid } from '../../platform/ids.ts'
import { confirmDecisionForm, decisionCells, decisionHeadings, decisionRows } from '../console/decision.views.ts'
import { formatInZone } from '../../platform/dates.ts'

const STATUSES = ['submitted', 'approved', 'refused'] as const
const STATUS_LABEL = { submitted: 'enrolment.console.statusSubmitted', approved: 'enrolment.console.statusApproved', refused: 'enrolment.console.statusRefused' } as const

const reasonSchema = z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().trim().min(1, 'enrolment.transfer.errReason').max(2000, 'enrolment.errTooLong'))

/**
 * "Ask the department to transfer the primary role": for a business already enrolled
 * whose primary user cannot give access; officers decide in the console.
 */
export function registerPrimaryTransferRoutes(scope: FastifyInstance, deps: EnrolmentDeps): void {
  const { db, clock } = deps

  async function businessOfDraft(request: FastifyRequest, reply: FastifyReply) {
    const user = requireEmployer(request, reply)
    if (!user) return undefined
    const draft = await findDraft(db, user.id)
    const business = draft?.business_number ? await findBusinessByNumber(db, draft.business_number) : undefined
    if (!business) {
      void reply.redirect(`/${request.lang}/enrol`, 303)
      return undefined
    }
    return { user, business }
  }

  const form = (request: FastifyRequest, reply: FastifyReply, legalName: string, reason: string, errors?: FormErrors, status?: number) => {
    const { t, lang } = request
    return reply.page(
      {
        title: t('enrolment.transfer.title'),
        errors,
        backLink: { href: `/${lang}/enrol/already?reason=number` },
        body: html`<h1>${t('enrolment.transfer.title')}</h1>
<p>${t('enrolment.transfer.lead', { legalName })}</p>
<form method="post" action="/${lang}/enrol/transfer" novalidate>
${csrfField(reply.csrfToken())}
${textarea({ t, name: 'reason', label: t('enrolment.transfer.reason'), hint: t('enrolment.transfer.reasonHint'), value: reason, rows: 5, error: errors?.fields.reason, required: true })}
${button({ text: t('enrolment.transfer.send'), preventDoubleClick: true })}
</form>`,
      },
      status ?? (errors ? 400 : 200),
    )
  }

  scope.get('/enrol/transfer', async (request, reply) => {
    const found = await businessOfDraft(request, reply)
    if (!found) return reply
    return form(request, reply, found.business.legal_name, '')
  })

  scope.post('/enrol/transfer', async (request, reply) => {
    const found = await businessOfDraft(request, reply)
    if (!found) return reply
    const { t, lang } = request
    const raw = (request.body ?? {}) as Record<string, unknown>
    const parsed = reasonSchema.safeParse(raw.reason)
    const typed = typeof raw.reason === 'string' ? raw.reason : ''
    if (!parsed.success) return form(request, reply, found.business.legal_name, typed, formErrors([['reason', t(parsed.error.issues[0]!.message as 'enrolment.transfer.errReason')]]))
    const result = await requestPrimaryTransfer(db, { businessId: found.business.id, requesterId: found.user.id, reason: parsed.data, actor: actorFrom(request, found.user), now: clock.now() })
    if (result.kind === 'already') return form(request, reply, found.business.legal_name, typed, formErrors([['reason', t('enrolment.transfer.already')]]), 409)
    return reply.page({ title: t('enrolment.transfer.title'), body: html`<h1>${t('enrolment.transfer.title')}</h1>${notice({ kind: 'success', title: t('enrolment.transfer.sent') })}<p><a href="/${lang}/home">${t('common.home')}</a></p>` })
  })

  scope.get('/console/transfers', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const { t, lang } = request
    const q = request.query as Record<string, unknown>
    const status = (STATUSES as readonly string[]).includes(String(q.status)) ? (q.status as (typeof STATUSES)[number]) : 'submitted'
    const decided = status !== 'submitted'
    const rows = await db
      .selectFrom('primary_transfer_request as r')
      .innerJoin('business as b', 'b.id', 'r.business_id')
      .innerJoin('app_user as u', 'u.id', 'r.requester_user_id')
      .leftJoin('app_user as d', 'd.id', 'r.decided_by')
      .select(['r.id', 'r.created_at', 'r.decided_at', 'b.legal_name', 'b.business_number', 'u.username', 'd.given_name as d_given', 'd.family_name as d_family', 'd.username as d_username'])
      .where('r.status', '=', status)
      .orderBy('r.created_at')
      .orderBy('r.id')
      .limit(100)
      .execute()
    return reply.page({
      title: t('enrolment.transfer.consoleTitle'),
      breadcrumbs: [{ text: t('account.consoleTitle'), href: `/${lang}/console` }],
      body: html`<h1>${t('enrolment.transfer.consoleTitle')}</h1>
<form method="get" action="/${lang}/console/transfers" class="filter-form">
${select({ t, name: 'status', label: t('enrolment.console.filterStatus'), value: status, options: STATUSES.map((s) => ({ value: s, text: t(STATUS_LABEL[s]) })) })}
${button({ text: t('enrolment.console.filter'), variant: 'secondary' })}
</form>
${
  rows.length === 0
    ? html`<p>${t('enrolment.transfer.none')}</p>`
    : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table"><caption>${t(STATUS_LABEL[status])}</caption>
<thead><tr><th scope="col">${t('enrolment.legalName')}</th><th scope="col">${t('enrolment.businessNumber')}</th><th scope="col">${t('enrolment.transfer.requester')}</th><th scope="col">${t('enrolment.console.submitted')}</th>${decided ? decisionHeadings(t) : ''}</tr></thead>
<tbody>${rows.map(
        (r) =>
          html`<tr><td><a href="/${lang}/console/transfers/${r.id}">${r.legal_name}</a></td><td>${formatBusinessNumber(r.business_number)}</td><td>${r.username}</td><td>${formatInZone(lang, r.created_at, deps.timeZone, 'listed')}</td>${
            decided ? decisionCells(lang, deps.timeZone, { decider: joinedFullName(r.d_given, r.d_family, r.d_username), decidedAt: r.decided_at }) : ''
          }</tr>`,
      )}</tbody></table></div>`
}`,
    })
  })

  const findTransfer = async (id: string) => {
    const r = isUuid(id) ? await db.selectFrom('primary_transfer_request').selectAll().where('id', '=', id).executeTakeFirst() : undefined
    if (!r) throw new NotFoundError()
    const business = await db.selectFrom('business').selectAll().where('id', '=', r.business_id).executeTakeFirstOrThrow()
    return { r, business, requester: await findUserById(db, r.requester_user_id) }
  }

  const detail = async (request: FastifyRequest, reply: FastifyReply, officer: SignedInUser, id: string, errors?: FormErrors, done?: string, values: Record<string, string> = {}) => {
    const { t, lang } = request
    const { r, business, requester } = await findTransfer(id)
    // Whether the primary user still signs in, as the PIN reset pages show it: last sign-in, and dormant since when.
    const primary = await activePrimaryUser(db, business.id)
    const dormancy = primary?.status === 'dormant' ? await db.selectFrom('user_dormancy').select('dormant_at').where('user_id', '=', primary.id).executeTakeFirst() : undefined
    const former = r.former_primary_user_id ? await findUserById(db, r.former_primary_user_id) : undefined
    const decider = r.decided_by ? await findUserById(db, r.decided_by) : undefined
    const assignee = r.assigned_to ? await findUserById(db, r.assigned_to) : undefined
    const person = (u: Parameters<typeof fullName>[0] & { email: string | null }) => `${fullName(u)} <${u.email ?? ''}>`
    return reply.page(
      {
        title: t('enrolment.transfer.consoleDetail', { legalName: business.legal_name }),
        errors,
        breadcrumbs: [
          { text: t('account.consoleTitle'), href: `/${lang}/console` },
          { text: t('enrolment.transfer.consoleTitle'), href: `/${lang}/console/transfers` },
        ],
        body: html`<h1>${t('enrolment.transfer.consoleDetail', { legalName: business.legal_name })}</h1>
${done ? notice({ kind: 'success', title: done }) : ''}
<p><span class="tag">${t(STATUS_LABEL[r.status])}</span></p>
${summaryList([
  { key: t('enrolment.businessNumber'), value: formatBusinessNumber(business.business_number) },
  { key: t('enrolment.employerNumber'), value: business.employer_number },
  { key: t('enrolment.transfer.requester'), value: requester ? person(requester) : '' },
  { key: t('enrolment.transfer.currentPrimary'), value: primary ? person(primary) : '' },
  ...(primary && r.status === 'submitted'
    ? [
        { key: t('enrolment.transfer.lastSignIn'), value: primary.last_sign_in_at ? formatInZone(lang, primary.last_sign_in_at, deps.timeZone, 'listed') : t('enrolment.transfer.neverSignedIn') },
        { key: t('enrolment.transfer.accountStatus'), value: primary.status === 'dormant' ? (dormancy?.dormant_at ? t('enrolment.transfer.dormant', { date: formatInZone(lang, dormancy.dormant_at, deps.timeZone, 'date') }) : t('access.statusDormant')) : t('enrolment.transfer.accountActive') },
      ]
    : []),
  ...(r.status === 'approved' ? [{ key: t('enrolment.transfer.formerPrimary'), value: former ? person(former) : r.decided_at && r.former_primary_user_id === null ? t('enrolment.transfer.formerPrimaryNone') : '' }] : []),
  { key: t('enrolment.transfer.requesterReason'), value: r.reason },
  { key: t('enrolment.console.submitted'), value: formatInZone(lang, r.created_at, deps.timeZone, 'listed') },
])}
${
  r.status === 'submitted'
    ? ''
    : html`<h2>${t('enrolment.console.decision')}</h2>
${summaryList([
  ...(r.decision_note ? [{ key: t('enrolment.transfer.note'), value: r.decision_note }] : []),
  ...decisionRows(t, lang, deps.timeZone, { decider: decider && fullName(decider), decidedAt: r.decided_at }),
])}`
}
${
  r.status === 'submitted'
    ? html`<h2>${t('enrolment.console.decision')}</h2>
<p>${assignee ? t('enrolment.transfer.assignedTo', { name: fullName(assignee) }) : t('enrolment.transfer.unassigned')}</p>
${assignee?.id !== officer.id ? html`<form method="post" action="/${lang}/console/transfers/${r.id}/assign">${csrfField(reply.csrfToken())}${button({ text: t('enrolment.transfer.assignToMe'), variant: 'secondary' })}</form>` : ''}
<form method="post" action="/${lang}/console/transfers/${r.id}/decision/confirm" novalidate>
${csrfField(reply.csrfToken())}
${radios({ t, name: 'decision', label: t('enrolment.console.decision'), value: values.decision, options: [{ value: 'approve', text: t('enrolment.transfer.approve') }, { value: 'refuse', text: t('enrolment.transfer.refuse') }], error: errors?.fields.decision })}
${textarea({ t, name: 'note', label: t('enrolment.transfer.note'), value: values.note, rows: 3, error: errors?.fields.note })}
${button({ text: t('enrolment.transfer.recordDecision') })}
</form>`
    : ''
}`,
      },
      errors ? 400 : 200,
    )
  }

  scope.get('/console/transfers/:id', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const q = request.query as Record<string, unknown>
    const done = q.done === 'approved' ? request.t('enrolment.transfer.approved') : q.done === 'refused' ? request.t('enrolment.transfer.refused') : undefined
    return detail(request, reply, officer, (request.params as { id: string }).id, undefined, done)
  })

  scope.post('/console/transfers/:id/assign', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const { id } = request.params as { id: string }
    if (!isUuid(id)) throw new NotFoundError()
    await assignPrimaryTransfer(db, id, actorFrom(request, officer), clock.now())
    return reply.redirect(`/${request.lang}/console/transfers/${id}`, 303)
  })

  /**
   * What both decision posts start with: the officer, the request's id and the decision as typed,
   * checked. Undefined when the reply is sent: no officer, or the form again, as it was filled in
   * ("No, change the decision" on the confirmation page, or with what does not pass).
   */
  const readDecision = async (request: FastifyRequest, reply: FastifyReply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return undefined
    const { t } = request
    const { id } = request.params as { id: string }
    if (!isUuid(id)) throw new NotFoundError()
    const raw = (request.body ?? {}) as Record<string, unknown>
    const decision = raw.decision
    const note = typeof raw.note === 'string' ? raw.note.trim().slice(0, 2000) : ''
    const values = { decision: typeof decision === 'string' ? decision : '', note: typeof raw.note === 'string' ? raw.note : '' }
    if (raw.change === 'yes') {
      await detail(request, reply, officer, id, undefined, undefined, values)
      return undefined
    }
    const errors =
      decision !== 'approve' && decision !== 'refuse'
        ? formErrors([['decision', t('validation.chooseOne', { field: t('enrolment.console.decision') })]])
        : decision === 'refuse' && !note
          ? formErrors([['note', t('enrolment.transfer.errNote')]])
          : undefined
    if (errors) {
      await detail(request, reply, officer, id, errors, undefined, values)
      return undefined
    }
    return { officer, id, values, decision: decision as 'approve' | 'refuse', note }
  }

  // A decision is final and tells the people concerned: the form's button asks first, on a page of its own (no script needed).
  scope.post('/console/transfers/:id/decision/confirm', async (request, reply) => {
    const read = await readDecision(request, reply)
    if (!read) return reply
    const { officer, id } = read
    const { t, lang } = request
    const { r, business, requester } = await findTransfer(id)
    if (r.status !== 'submitted') return detail(request, reply, officer, id, formErrors([['decision', t('enrolment.transfer.decided')]]), undefined, read.values)
    const primary = await activePrimaryUser(db, business.id)
    const approve = read.decision === 'approve'
    const words = { legalName: business.legal_name, requester: requester ? fullName(requester) : '', primary: primary ? fullName(primary) : '' }
    const title = approve ? t('enrolment.transfer.confirmApproveTitle', words) : t('enrolment.transfer.confirmRefuseTitle', words)
    return reply.page({
      title,
      breadcrumbs: [
        { text: t('account.consoleTitle'), href: `/${lang}/console` },
        { text: t('enrolment.transfer.consoleTitle'), href: `/${lang}/console/transfers` },
        { text: t('enrolment.transfer.consoleDetail', { legalName: business.legal_name }), href: `/${lang}/console/transfers/${id}` },
      ],
      body: html`<h1>${title}</h1>
${summaryList([
  { key: t('enrolment.console.decision'), value: approve ? t('enrolment.transfer.approve') : t('enrolment.transfer.refuse') },
  ...(read.note ? [{ key: t('enrolment.transfer.note'), value: read.note }] : []),
])}
<p>${approve ? (primary && primary.id !== requester?.id ? t('enrolment.transfer.confirmApproveBody', words) : t('enrolment.transfer.confirmApproveBodyNoPrimary', words)) : t('enrolment.transfer.confirmRefuseBody', words)}</p>
${confirmDecisionForm({
  action: `/${lang}/console/transfers/${id}/decision`,
  csrf: reply.csrfToken(),
  values: read.values,
  yes: { text: approve ? t('enrolment.transfer.confirmApproveYes') : t('enrolment.transfer.confirmRefuseYes'), variant: approve ? 'primary' : 'danger' },
  no: { text: t('enrolment.transfer.changeDecision'), name: 'change', value: 'yes' },
})}`,
    })
  })

  scope.post('/console/transfers/:id/decision', async (request, reply) => {
    const read = await readDecision(request, reply)
    if (!read) return reply
    const { officer, id, decision, note } = read
    const { t, lang } = request
    const result = await decidePrimaryTransfer(db, { requestId: id, approve: decision === 'approve', note, actor: actorFrom(request, officer), now: clock.now() })
    if (result.kind === 'decided') return detail(request, reply, officer, id, formErrors([['decision', t('enrolment.transfer.decided')]]))
    return reply.redirect(`/${lang}/console/transfers/${id}?done=${decision === 'approve' ? 'approved' : 'refused'}`, 303)
  })
}
