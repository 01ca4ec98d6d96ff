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
import { activePrimaryUser, branchesWithoutPrimary } from '../access/access.repository.ts'
import { openRequestsList } from '../access/access-requests.views.ts'
import { otherOpenRequests, recentPrimaryChanges, relationToBusiness } from '../access/open-requests.repository.ts'
import { signInBeforeDormancy } from '../access/dormancy.service.ts'
import type { EnrolmentDeps } from './enrolment.routes.ts'
import { assignPrimaryTransfer, decidePrimaryTransfer, requestPrimaryTransfer } from './primary-transfer.service.ts'
import { isUuid } from '../../platform/ids.ts'
import { alreadyDecidedErrors, assignedElsewhereText, assigneeCell, assignmentSection, confirmDecisionForm, DECIDED_ID, decisionCells, decisionHeadings, decisionRows, warningsNotice, type Assignee } from '../console/decision.views.ts'
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
      .leftJoin('app_user as a', 'a.id', 'r.assigned_to')
      .select(['r.id', 'r.created_at', 'r.decided_at', 'b.legal_name', 'b.business_number', 'u.username', 'd.given_name as d_given', 'd.family_name as d_family', 'd.username as d_username', 'r.assigned_to', 'a.given_name as a_given', 'a.family_name as a_family', 'a.username as a_username'])
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
<thead><tr><th scope="col">${t('enrolment.legalName')}</th><th scope="col">${t('enrolment.businessNumber')}</th><th scope="col">${t('enrolment.transfer.requester')}</th><th scope="col">${t('enrolment.console.submitted')}</th>${decided ? decisionHeadings(t) : html`<th scope="col">${t('console.assignment.column')}</th>`}</tr></thead>
<tbody>${rows.map(
        (r) =>
          html`<tr><td><a href="/${lang}/console/transfers/${r.id}">${r.legal_name}</a></td><td>${formatBusinessNumber(r.business_number)}</td><td>${r.username}</td><td>${formatInZone(lang, r.created_at, deps.timeZone, 'listed')}</td>${
            decided
              ? decisionCells(lang, deps.timeZone, { decider: joinedFullName(r.d_given, r.d_family, r.d_username), decidedAt: r.decided_at })
              : assigneeCell(t, r.assigned_to ? { id: r.assigned_to, name: joinedFullName(r.a_given, r.a_family, r.a_username) ?? '' } : undefined, officer.id)
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

  const assigneeOf = async (id: string | null): Promise<Assignee | undefined> => {
    const a = id ? await findUserById(db, id) : undefined
    return a ? { id: a.id, name: fullName(a) } : undefined
  }

  /**
   * What approving does to branches, as the employer side's transfer says it (access.routes.ts): the
   * branch a branch primary requester leaves without its own primary user, and the branches the
   * replaced primary user may take instead of becoming a secondary user.
   */
  const branchEffects = async (businessId: string, requesterId: string, primaryId: string | undefined) => {
    const own = await relationToBusiness(db, requesterId, businessId)
    const membership = await db.selectFrom('business_membership').select('id').where('business_id', '=', businessId).where('user_id', '=', requesterId).where('status', '=', 'active').executeTakeFirst()
    const replaces = primaryId !== undefined && primaryId !== requesterId
    const orphans = replaces ? await branchesWithoutPrimary(db, businessId, membership?.id) : []
    return { own, leavesBranch: own?.role === 'branch_primary' ? (own.branch ?? undefined) : undefined, orphans }
  }

  const roleText = (t: FastifyRequest['t'], own: Awaited<ReturnType<typeof relationToBusiness>>) => {
    if (!own) return t('access.requests.relationNone')
    const role = t(own.role === 'primary' ? 'access.typePrimary' : own.role === 'branch_primary' ? 'access.typeBranchPrimary' : 'access.typeSecondary')
    return own.branch ? t('access.requests.relationBranch', { role, branch: own.branch }) : role
  }

  /** A primary user appointed recently (or a PIN that will appoint one) is worth a second look before another change. */
  const RECENT_DAYS = 14

  const detail = async (request: FastifyRequest, reply: FastifyReply, officer: SignedInUser, id: string, errors?: FormErrors, done?: string, values: Record<string, string> = {}) => {
    const { t, lang } = request
    const { r, business, requester } = await findTransfer(id)
    // Whether the primary user still signs in, as the PIN reset pages show it: last sign-in, and dormant since when.
    const primary = await activePrimaryUser(db, business.id)
    const dormancy = primary?.status === 'dormant' ? await db.selectFrom('user_dormancy').select('dormant_at').where('user_id', '=', primary.id).executeTakeFirst() : undefined
    // A dormant primary user's last sign-in is the one before the dormancy, not one made since (to ask for reactivation, say).
    const primaryAccount = primary && dormancy?.dormant_at ? await findUserById(db, primary.id) : undefined
    const before = primaryAccount && dormancy?.dormant_at ? signInBeforeDormancy(primaryAccount, dormancy.dormant_at) : null
    const former = r.former_primary_user_id ? await findUserById(db, r.former_primary_user_id) : undefined
    const decider = r.decided_by ? await findUserById(db, r.decided_by) : undefined
    const assignee = await assigneeOf(r.assigned_to)
    const open = r.status === 'submitted'
    const effects = open ? await branchEffects(business.id, r.requester_user_id, primary?.id) : undefined
    const recent = open ? await recentPrimaryChanges(db, business.id, new Date(clock.now().getTime() - RECENT_DAYS * 86_400_000)) : []
    const others = open ? await otherOpenRequests(db, { userId: r.requester_user_id, businessId: business.id, except: r.id }) : []
    const when = (d: Date) => formatInZone(lang, d, deps.timeZone, 'listed')
    // The banner after a decision: what was recorded, read back (the address only says whether to show it).
    const doneText = done !== r.status ? undefined : r.status === 'approved' ? t('enrolment.transfer.approved') : r.status === 'refused' ? t('enrolment.transfer.refused') : undefined
    const person = (u: Parameters<typeof fullName>[0] & { email: string | null }) => `${fullName(u)} <${u.email ?? ''}>`
    const primaryName = primary ? fullName(primary) : ''
    return reply.page(
      {
        title: t('enrolment.transfer.consoleDetail', { legalName: business.legal_name }),
        errors,
        breadcrumbs: [
          { text: t('account.consoleTitle'), href: `/${lang}/console` },
          { text: t('enrolment.transfer.consoleTitle'), href: `/${lang}/console/transfers` },
        ],
        body: html`<h1>${t('enrolment.transfer.consoleDetail', { legalName: business.legal_name })}</h1>
${doneText ? notice({ kind: 'success', title: doneText }) : ''}
<p><span class="tag">${t(STATUS_LABEL[r.status])}</span></p>
${summaryList([
  { key: t('enrolment.businessNumber'), value: formatBusinessNumber(business.business_number) },
  { key: t('enrolment.employerNumber'), value: business.employer_number },
  { key: t('enrolment.transfer.requester'), value: requester ? person(requester) : '' },
  ...(effects ? [{ key: t('enrolment.transfer.requesterRole'), value: roleText(t, effects.own) }] : []),
  { key: t('enrolment.transfer.currentPrimary'), value: primary ? person(primary) : '' },
  ...(primary && open
    ? [
        primary.status === 'dormant' && dormancy?.dormant_at
          ? { key: t('enrolment.transfer.lastSignInBefore'), value: before ? when(before) : before === null ? t('enrolment.transfer.neverSignedIn') : t('enrolment.transfer.signInUnknown') }
          : { key: t('enrolment.transfer.lastSignIn'), value: primary.last_sign_in_at ? when(primary.last_sign_in_at) : t('enrolment.transfer.neverSignedIn') },
        { key: t('enrolment.transfer.accountStatus'), value: primary.status === 'dormant' ? (dormancy?.dormant_at ? t('enrolment.transfer.dormant', { date: formatInZone(lang, dormancy.dormant_at, deps.timeZone, 'date') }) : t('access.statusDormant')) : t('enrolment.transfer.accountActive') },
      ]
    : []),
  ...(r.status === 'approved' ? [{ key: t('enrolment.transfer.formerPrimary'), value: former ? person(former) : r.decided_at && r.former_primary_user_id === null ? t('enrolment.transfer.formerPrimaryNone') : '' }] : []),
  { key: t('enrolment.transfer.requesterReason'), value: r.reason },
  { key: t('enrolment.console.submitted'), value: when(r.created_at) },
  ...(open ? [{ key: t('access.requests.otherOpen'), value: openRequestsList(t, lang, deps.timeZone, others) }] : []),
])}
${
  open
    ? ''
    : html`<h2 id="${DECIDED_ID}">${t('enrolment.console.decision')}</h2>
${summaryList([
  ...(r.decision_note ? [{ key: t('enrolment.transfer.note'), value: r.decision_note }] : []),
  ...decisionRows(t, lang, deps.timeZone, { decider: decider && fullName(decider), decidedAt: r.decided_at }),
])}`
}
${
  open
    ? html`${assignmentSection(t, { action: `/${lang}/console/transfers/${r.id}/assign`, csrf: reply.csrfToken(), assignee, viewerId: officer.id })}
<h2>${t('enrolment.console.decision')}</h2>
${warningsNotice([
  recent[0] && t('enrolment.transfer.recentChange', { legalName: business.legal_name, date: when(recent[0].occurred_at) }),
  effects?.leavesBranch && requester && t('access.transferLeavesBranch', { name: fullName(requester), branch: effects.leavesBranch }),
  assignedElsewhereText(t, assignee, officer.id),
])}
<form method="post" action="/${lang}/console/transfers/${r.id}/decision/confirm" novalidate>
${csrfField(reply.csrfToken())}
${radios({ t, name: 'decision', label: t('enrolment.console.decision'), value: values.decision, options: [{ value: 'approve', text: t('enrolment.transfer.approve') }, { value: 'refuse', text: t('enrolment.transfer.refuse') }], error: errors?.fields.decision })}
${
  effects && effects.orphans.length > 0
    ? radios({
        t,
        name: 'becomes',
        label: t('enrolment.transfer.becomes', { primary: primaryName }),
        value: values.becomes || 'secondary',
        error: errors?.fields.becomes,
        options: [{ value: 'secondary', text: t('access.transferBecomesSecondary') }, ...effects.orphans.map((b) => ({ value: b.id, text: t('access.transferBecomesBranch', { branch: b.name }) }))],
      })
    : ''
}
${textarea({ t, name: 'note', label: t('enrolment.transfer.note'), hint: t('enrolment.transfer.noteHint'), value: values.note, rows: 3, error: errors?.fields.note })}
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
    const done = (request.query as Record<string, unknown>).done
    return detail(request, reply, officer, (request.params as { id: string }).id, undefined, typeof done === 'string' ? done : undefined)
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
    const becomes = typeof raw.becomes === 'string' && raw.becomes !== '' ? raw.becomes : 'secondary'
    const values = { decision: typeof decision === 'string' ? decision : '', note: typeof raw.note === 'string' ? raw.note : '', becomes }
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
    return { officer, id, values, decision: decision as 'approve' | 'refuse', note, becomes }
  }

  /** The branch chosen for the replaced primary user (null: a secondary user); undefined when it is not one they may take. */
  const chosenBranch = async (businessId: string, requesterId: string, primaryId: string | undefined, becomes: string) => {
    if (becomes === 'secondary') return null
    const { orphans } = await branchEffects(businessId, requesterId, primaryId)
    return orphans.find((b) => b.id === becomes)
  }

  // A decision is final and tells the people concerned: the form's button asks first, on a page of its own (no script needed).
  scope.post('/console/transfers/:id/decision/confirm', async (request, reply) => {
    const read = await readDecision(request, reply)
    if (!read) return reply
    const { officer, id } = read
    const { t, lang } = request
    const { r, business, requester } = await findTransfer(id)
    if (r.status !== 'submitted') return detail(request, reply, officer, id, alreadyDecidedErrors(t('enrolment.transfer.decided')), undefined, read.values)
    const primary = await activePrimaryUser(db, business.id)
    const approve = read.decision === 'approve'
    const replaced = primary && primary.id !== requester?.id ? primary : undefined
    const branch = approve ? await chosenBranch(business.id, r.requester_user_id, primary?.id, read.becomes) : null
    if (branch === undefined) return detail(request, reply, officer, id, formErrors([['becomes', t('enrolment.transfer.errBecomes')]]), undefined, read.values)
    const effects = approve ? await branchEffects(business.id, r.requester_user_id, primary?.id) : undefined
    const words = { legalName: business.legal_name, requester: requester ? fullName(requester) : '', primary: primary ? fullName(primary) : '' }
    const title = approve ? t('enrolment.transfer.confirmApproveTitle', words) : t('enrolment.transfer.confirmRefuseTitle', words)
    const approveBody = !replaced ? t('enrolment.transfer.confirmApproveBodyNoPrimary', words) : branch ? t('enrolment.transfer.confirmApproveBodyBranch', { ...words, branch: branch.name }) : t('enrolment.transfer.confirmApproveBody', words)
    return reply.page({
      title,
      breadcrumbs: [
        { text: t('account.consoleTitle'), href: `/${lang}/console` },
        { text: t('enrolment.transfer.consoleTitle'), href: `/${lang}/console/transfers` },
        { text: t('enrolment.transfer.consoleDetail', { legalName: business.legal_name }), href: `/${lang}/console/transfers/${id}` },
      ],
      body: html`<h1>${title}</h1>
${warningsNotice([effects?.leavesBranch && requester && t('access.transferLeavesBranch', { name: fullName(requester), branch: effects.leavesBranch }), assignedElsewhereText(t, await assigneeOf(r.assigned_to), officer.id)])}
${summaryList([
  { key: t('enrolment.console.decision'), value: approve ? t('enrolment.transfer.approve') : t('enrolment.transfer.refuse') },
  ...(approve && replaced ? [{ key: t('enrolment.transfer.becomes', { primary: fullName(replaced) }), value: branch ? t('access.transferBecomesBranch', { branch: branch.name }) : t('access.transferBecomesSecondary') }] : []),
  ...(read.note ? [{ key: t('enrolment.transfer.note'), value: read.note }] : []),
])}
<p>${approve ? approveBody : t('enrolment.transfer.confirmRefuseBody', words)}</p>
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
    const result = await decidePrimaryTransfer(db, { requestId: id, approve: decision === 'approve', note, actor: actorFrom(request, officer), now: clock.now(), becomesBranchId: decision === 'approve' && read.becomes !== 'secondary' ? read.becomes : null })
    if (result.kind === 'decided') return detail(request, reply, officer, id, alreadyDecidedErrors(t('enrolment.transfer.decided')))
    if (result.kind === 'branchTaken') return detail(request, reply, officer, id, formErrors([['becomes', t('enrolment.transfer.errBecomes')]]), undefined, read.values)
    return reply.redirect(`/${lang}/console/transfers/${id}?done=${decision === 'approve' ? 'approved' : 'refused'}`, 303)
  })
}
