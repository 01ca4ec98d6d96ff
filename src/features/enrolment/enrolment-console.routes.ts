import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SignedInUser } from '../../db/database.ts'
import { actorFrom, audit } from '../../platform/audit.ts'
import { html } from '../../platform/html.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { button, csrfField, notice, radios, select, summaryList, textarea } from '../../ui/components.ts'
import { formErrors, zodFormErrors, type FormErrors } from '../../ui/form-errors.ts'
import { fullName, joinedFullName } from '../auth/users.repository.ts'
import { requireStaff } from '../auth/guards.ts'
import { findUserById } from '../auth/users.repository.ts'
import { provinceName } from '../reference/lists.ts'
import { formatBusinessNumber, formatStoredPhone } from '../reference/validators.ts'
import { decisionSchema, REFUSAL_REASONS } from './enrolment.schema.ts'
import { enrolmentQueue, findRequest } from './enrolment.repository.ts'
import type { EnrolmentDeps } from './enrolment.routes.ts'
import { approveRequest, refuseRequest } from './enrolment.service.ts'
import { isUuid } from '../../platform/ids.ts'
import { alreadyDecidedErrors, assignedElsewhereNotice, assignedElsewhereText, assigneeCell, assignmentSection, confirmDecisionForm, DECIDED_ID, decisionCells, decisionHeadings, decisionRows, warningsNotice, type Assignee } from '../console/decision.views.ts'
import { formatInZone } from '../../platform/dates.ts'
import type { Lang } from '../../i18n/i18n.ts'

const QUEUE_STATUSES = ['submitted', 'approved', 'refused'] as const
const STATUS_LABEL = { submitted: 'enrolment.console.statusSubmitted', approved: 'enrolment.console.statusApproved', refused: 'enrolment.console.statusRefused' } as const

function formatDateTime(lang: Lang, date: Date | null, timeZone: string): string {
  return date ? formatInZone(lang, date, timeZone, 'listed') : ''
}

/** The officers' enrolment review queue and decisions. */
export function registerEnrolmentConsoleRoutes(scope: FastifyInstance, deps: EnrolmentDeps): void {
  const { db, clock } = deps

  scope.get('/console/enrolments', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const { t, lang } = request
    const q = request.query as Record<string, unknown>
    const status: (typeof QUEUE_STATUSES)[number] = (QUEUE_STATUSES as readonly string[]).includes(String(q.status)) ? (q.status as (typeof QUEUE_STATUSES)[number]) : 'submitted'
    const rows = await enrolmentQueue(db, status)
    const decided = status !== 'submitted'
    // Who has each waiting request, as the PIN reset and reactivation queues say it.
    const assignedIds = [...new Set(rows.flatMap((r) => (r.assigned_to ? [r.assigned_to] : [])))]
    const assignees = new Map((assignedIds.length ? await db.selectFrom('app_user').select(['id', 'given_name', 'family_name', 'username']).where('id', 'in', assignedIds).execute() : []).map((a) => [a.id, { id: a.id, name: joinedFullName(a.given_name, a.family_name, a.username) ?? a.username }]))
    return reply.page({
      title: t('enrolment.console.queueTitle'),
      breadcrumbs: [{ text: t('account.consoleTitle'), href: `/${lang}/console` }],
      body: html`<h1>${t('enrolment.console.queueTitle')}</h1>
<form method="get" action="/${lang}/console/enrolments" class="filter-form">
${select({ t, name: 'status', label: t('enrolment.console.filterStatus'), value: status, options: QUEUE_STATUSES.map((s) => ({ value: s, text: t(STATUS_LABEL[s]) })) })}
${button({ text: t('enrolment.console.filter'), variant: 'secondary' })}
</form>
${
  rows.length === 0
    ? html`<p>${t('enrolment.console.none')}</p>`
    : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table">
<caption>${t(STATUS_LABEL[status])}</caption>
<thead><tr><th scope="col">${t('enrolment.legalName')}</th><th scope="col">${t('enrolment.businessNumber')}</th><th scope="col">${t('enrolment.console.submitted')}</th><th scope="col">${t('enrolment.console.requester')}</th>${decided ? decisionHeadings(t) : html`<th scope="col">${t('console.assignment.column')}</th>`}</tr></thead>
<tbody>${rows.map(
        (r) =>
          html`<tr><td><a href="/${lang}/console/enrolments/${r.id}">${r.legal_name}</a></td><td>${formatBusinessNumber(r.business_number)}</td><td>${formatDateTime(lang, r.submitted_at, deps.timeZone)}</td><td>${r.requester}</td>${
            decided ? decisionCells(lang, deps.timeZone, { decider: joinedFullName(r.decider_given_name, r.decider_family_name, r.decider_username), decidedAt: r.decided_at }) : assigneeCell(t, r.assigned_to ? assignees.get(r.assigned_to) : undefined, officer.id)
          }</tr>`,
      )}</tbody></table></div>`
}`,
    })
  })

  const detail = async (request: FastifyRequest, reply: FastifyReply, officer: SignedInUser, id: string, errors?: FormErrors, values: Record<string, string> = {}, done?: string) => {
    const { t, lang } = request
    const r = isUuid(id) ? await findRequest(db, id) : undefined
    if (!r || r.status === 'draft') throw new NotFoundError()
    const requester = await findUserById(db, r.requester_user_id)
    const assigned = r.assigned_to ? await findUserById(db, r.assigned_to) : undefined
    const assignee: Assignee | undefined = assigned && { id: assigned.id, name: fullName(assigned) }
    const decider = r.decided_by ? await findUserById(db, r.decided_by) : undefined
    // An approved request keeps saying which employer number it gave (not only the one-time notice).
    const business = r.status === 'approved' && r.business_id ? await db.selectFrom('business').select('employer_number').where('id', '=', r.business_id).executeTakeFirst() : undefined
    // The banner after a decision: what was recorded, read back (the address only says whether to show it).
    const doneText = done !== r.status ? undefined : r.status === 'approved' ? (business ? t('enrolment.console.approvedDone', { employerNumber: business.employer_number }) : undefined) : r.status === 'refused' ? t('enrolment.console.refusedDone') : undefined
    // A decided request says who decided, when, and (refused) why: as the requester was told.
    const decidedRows =
      r.status === 'approved' || r.status === 'refused'
        ? [
            ...(business ? [{ key: t('enrolment.console.employerNumber'), value: business.employer_number }] : []),
            ...(r.status === 'refused' && r.refusal_reason ? [{ key: t('enrolment.console.reason'), value: (REFUSAL_REASONS as readonly string[]).includes(r.refusal_reason) ? t(`enrolment.reasons.${r.refusal_reason as 'other'}`) : r.refusal_reason }] : []),
            ...(r.status === 'refused' && r.decision_note ? [{ key: t('enrolment.console.note'), value: r.decision_note }] : []),
            ...decisionRows(t, lang, deps.timeZone, { decider: decider && fullName(decider), decidedAt: r.decided_at }),
          ]
        : []
    const decisionForm =
      r.status === 'submitted'
        ? html`${assignmentSection(t, { action: `/${lang}/console/enrolments/${r.id}/assign`, csrf: reply.csrfToken(), assignee, viewerId: officer.id })}
<h2>${t('enrolment.console.decision')}</h2>
${assignedElsewhereNotice(t, assignee, officer.id)}
<form method="post" action="/${lang}/console/enrolments/${r.id}/decision/confirm" novalidate>
${csrfField(reply.csrfToken())}
${radios({ t, name: 'decision', label: t('enrolment.console.decision'), value: values.decision, options: [{ value: 'approve', text: t('enrolment.console.approve') }, { value: 'refuse', text: t('enrolment.console.refuse') }], error: errors?.fields.decision })}
<fieldset class="fieldset" aria-describedby="refusal-only-hint">
<legend class="legend">${t('enrolment.console.refusalOnly')}</legend>
<p class="hint" id="refusal-only-hint">${t('enrolment.console.refusalOnlyHint')}</p>
${select({ t, name: 'reason', label: t('enrolment.console.reason'), value: values.reason, placeholder: '', options: REFUSAL_REASONS.map((k) => ({ value: k, text: t(`enrolment.reasons.${k}`) })), error: errors?.fields.reason })}
${textarea({ t, name: 'note', label: t('enrolment.console.note'), hint: t('enrolment.console.noteHint'), value: values.note, rows: 3, error: errors?.fields.note })}
</fieldset>
${button({ text: t('enrolment.console.recordDecision') })}
</form>`
        : ''
    return reply.page(
      {
        title: t('enrolment.console.detailTitle', { legalName: r.legal_name ?? '' }),
        errors,
        breadcrumbs: [
          { text: t('account.consoleTitle'), href: `/${lang}/console` },
          { text: t('enrolment.console.queueTitle'), href: `/${lang}/console/enrolments` },
        ],
        body: html`<h1>${t('enrolment.console.detailTitle', { legalName: r.legal_name ?? '' })}</h1>
${doneText ? notice({ kind: 'success', title: doneText }) : ''}
<p><span class="tag">${t(STATUS_LABEL[r.status as 'submitted'])}</span></p>
${summaryList([
  { key: t('enrolment.console.operatesInCanada'), value: r.operates_in_canada ? t('enrolment.yes') : t('enrolment.no') },
  { key: t('enrolment.businessNumber'), value: formatBusinessNumber(r.business_number) },
  { key: t('enrolment.legalName'), value: r.legal_name },
  { key: t('enrolment.operatingName'), value: r.operating_name },
  { key: t('enrolment.street'), value: r.street },
  { key: t('enrolment.city'), value: r.city },
  { key: t('enrolment.province'), value: r.province ? provinceName(r.province, lang) : '' },
  { key: t('enrolment.postalCode'), value: r.postal_code },
  { key: t('enrolment.phone'), value: formatStoredPhone(r.phone, lang) },
  { key: t('enrolment.console.submitted'), value: formatDateTime(lang, r.submitted_at, deps.timeZone) },
  { key: t('enrolment.console.contact'), value: requester ? `${fullName(requester)} <${requester.email ?? ''}>` : '' },
])}
${decidedRows.length ? html`<h2 id="${DECIDED_ID}">${t('enrolment.console.decision')}</h2>${summaryList(decidedRows)}` : ''}
${decisionForm}`,
      },
      errors ? 400 : 200,
    )
  }

  scope.get('/console/enrolments/:id', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const done = (request.query as Record<string, unknown>).done
    return detail(request, reply, officer, (request.params as { id: string }).id, undefined, {}, typeof done === 'string' ? done : undefined)
  })

  scope.post('/console/enrolments/:id/assign', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const { id } = request.params as { id: string }
    if (!isUuid(id)) throw new NotFoundError()
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      const updated = await trx.updateTable('enrolment_request').set({ assigned_to: officer.id, updated_at: now }).where('id', '=', id).where('status', '=', 'submitted').executeTakeFirst()
      if (Number(updated.numUpdatedRows) === 1) await audit(trx, actorFrom(request, officer), now, { action: 'enrolment.assigned', objectType: 'enrolment_request', objectId: id })
    })
    return reply.redirect(`/${request.lang}/console/enrolments/${id}`, 303)
  })

  /**
   * What both decision posts start with: the officer, the request's id and the decision as filled in,
   * checked. Undefined when the reply is sent: no officer, or the form again, as it was filled in
   * ("No, change the decision" on the confirmation page, or with what does not pass).
   */
  const readDecision = async (request: FastifyRequest, reply: FastifyReply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return undefined
    const { id } = request.params as { id: string }
    if (!isUuid(id)) throw new NotFoundError()
    const raw = (request.body ?? {}) as Record<string, unknown>
    const values = Object.fromEntries(['decision', 'reason', 'note'].map((k) => [k, typeof raw[k] === 'string' ? (raw[k] as string) : '']))
    if (raw.change === 'yes') {
      await detail(request, reply, officer, id, undefined, values)
      return undefined
    }
    const parsed = decisionSchema.safeParse(raw)
    if (!parsed.success) {
      await detail(request, reply, officer, id, zodFormErrors(request.t, parsed.error, { decision: 'enrolment.console.decision' }, ['decision', 'reason', 'note']), values)
      return undefined
    }
    return { officer, id, values, decision: parsed.data }
  }

  // A decision is final and tells the requester: the form's button asks first, on a page of its own (no script needed).
  scope.post('/console/enrolments/:id/decision/confirm', async (request, reply) => {
    const read = await readDecision(request, reply)
    if (!read) return reply
    const { officer, id, values, decision } = read
    const { t, lang } = request
    const r = await findRequest(db, id)
    if (!r || r.status === 'draft') throw new NotFoundError()
    if (r.status !== 'submitted') return detail(request, reply, officer, id, alreadyDecidedErrors(t('enrolment.console.alreadyDecided')), values)
    const requester = await findUserById(db, r.requester_user_id)
    const approve = decision.decision === 'approve'
    const words = { legalName: r.legal_name ?? '', requester: requester ? fullName(requester) : '' }
    const title = approve ? t('enrolment.console.confirmApproveTitle', words) : t('enrolment.console.confirmRefuseTitle', words)
    const reason = decision.reason as (typeof REFUSAL_REASONS)[number] | undefined
    const assigned = r.assigned_to ? await findUserById(db, r.assigned_to) : undefined
    // An approval keeps no refusal reason or note: said here, and not carried to the decision.
    const dropped = approve && ((values.reason ?? '') !== '' || (values.note ?? '').trim() !== '')
    const carried = approve ? { ...values, reason: '', note: '' } : values
    return reply.page({
      title,
      breadcrumbs: [
        { text: t('account.consoleTitle'), href: `/${lang}/console` },
        { text: t('enrolment.console.queueTitle'), href: `/${lang}/console/enrolments` },
        { text: t('enrolment.console.detailTitle', { legalName: r.legal_name ?? '' }), href: `/${lang}/console/enrolments/${id}` },
      ],
      body: html`<h1>${title}</h1>
${warningsNotice([dropped && t('enrolment.console.approveDropsRefusal'), assignedElsewhereText(t, assigned && { id: assigned.id, name: fullName(assigned) }, officer.id)])}
${summaryList([
  { key: t('enrolment.console.decision'), value: approve ? t('enrolment.console.approve') : t('enrolment.console.refuse') },
  ...(!approve && reason ? [{ key: t('enrolment.console.reason'), value: t(`enrolment.reasons.${reason}`) }] : []),
  ...(!approve && decision.note ? [{ key: t('enrolment.console.note'), value: decision.note }] : []),
])}
<p>${approve ? t('enrolment.console.confirmApproveBody', words) : t('enrolment.console.confirmRefuseBody', words)}</p>
${confirmDecisionForm({
  action: `/${lang}/console/enrolments/${id}/decision`,
  csrf: reply.csrfToken(),
  values: carried,
  yes: { text: approve ? t('enrolment.console.confirmApproveYes') : t('enrolment.console.confirmRefuseYes'), variant: approve ? 'primary' : 'danger' },
  no: { text: t('enrolment.console.changeDecision'), name: 'change', value: 'yes' },
})}`,
    })
  })

  scope.post('/console/enrolments/:id/decision', async (request, reply) => {
    const read = await readDecision(request, reply)
    if (!read) return reply
    const { officer, id, values, decision } = read
    const { t, lang } = request
    const actor = actorFrom(request, officer)
    const now = clock.now()
    const result =
      decision.decision === 'approve'
        ? await approveRequest(db, id, actor, now)
        : await refuseRequest(db, id, decision.reason as (typeof REFUSAL_REASONS)[number], decision.note, actor, now)
    if (result.kind === 'approved') return reply.redirect(`/${lang}/console/enrolments/${id}?done=approved`, 303)
    if (result.kind === 'refused') return reply.redirect(`/${lang}/console/enrolments/${id}?done=refused`, 303)
    if (result.kind === 'alreadyDecided') return detail(request, reply, officer, id, alreadyDecidedErrors(t('enrolment.console.alreadyDecided')), values)
    return detail(request, reply, officer, id, formErrors([['decision', result.conflict === 'name' ? t('enrolment.console.conflictName') : t('enrolment.console.conflictNumber')]]), values)
  })
}
