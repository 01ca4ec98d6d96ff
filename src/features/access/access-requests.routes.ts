import { sql } from 'kysely'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import type { SignedInUser } from '../../db/database.ts'
import type { Lang, Translate } from '../../i18n/i18n.ts'
import { actorFrom } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { formatInZone } from '../../platform/dates.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { html } from '../../platform/html.ts'
import { isUuid } from '../../platform/ids.ts'
import { formErrors, zodFormErrors, type FormErrors } from '../../ui/form-errors.ts'
import { requireEmployer, requireStaff } from '../auth/guards.ts'
import { findUserById, fullName, joinedFullName } from '../auth/users.repository.ts'
import { assignedElsewhereNotice, confirmDecisionForm, decisionRows, type Assignee } from '../console/decision.views.ts'
import { activeMembership } from './access.policy.ts'
import { activePrimaryUser, openReactivationRequest } from './access.repository.ts'
import type { AccessDeps } from './access.service.ts'
import type { PinResetRequest } from './access.tables.ts'
import { DECISION_FIELDS, PIN_RESET_FIELDS, pinResetDecisionSchema, pinResetSchema, reactivationDecisionSchema, reactivationSchema } from './access-requests.schema.ts'
import { openRequestsList, pinResetFormBody, pinResetSentBody, requestConfirmBody, requestDetailBody, requestQueueBody } from './access-requests.views.ts'
import { otherOpenRequests, relationToBusiness } from './open-requests.repository.ts'
import { businessAuditPage } from './business-audit.ts'
import { assignReactivation, decideReactivation, requestReactivation, signInBeforeDormancy } from './dormancy.service.ts'
import { reactivationBody } from './dormancy.views.ts'
import { assignPinReset, decidePinReset, MAX_OPEN_PIN_RESETS, requestPinReset } from './pin-reset.service.ts'
import { formatBusinessNumber } from '../reference/validators.ts'

export interface AccessRequestDeps {
  db: Db
  clock: Clock
  timeZone: string
  access: AccessDeps
}

const STATUSES = {
  pinReset: ['submitted', 'issued', 'refused'],
  reactivation: ['submitted', 'reactivated', 'refused'],
} as const
const STATUS_LABEL = {
  submitted: 'access.requests.statusSubmitted',
  issued: 'access.requests.statusIssued',
  refused: 'access.requests.statusRefused',
  reactivated: 'access.requests.statusReactivated',
} as const

function strings(raw: unknown, fields: readonly string[]): Record<string, string> {
  const r = (raw ?? {}) as Record<string, unknown>
  return Object.fromEntries(fields.map((k) => [k, typeof r[k] === 'string' ? (r[k] as string) : '']))
}


/** PIN reset requests (portal, primary user, console), reactivation requests (portal, console), and the business's audit trail. */
export function registerAccessRequestRoutes(scope: FastifyInstance, deps: AccessRequestDeps): void {
  const { db, clock } = deps
  const when = (lang: Lang, d: Date | null) => (d ? formatInZone(lang, d, deps.timeZone, 'listed') : '')

  /** A decided request's decider and date (nothing while it waits). */
  const requestDecisionRows = async (t: Translate, lang: Lang, r: { status: string; decided_by: string | null; decided_at: Date | null }) => {
    if (r.status === 'submitted') return []
    const decider = r.decided_by ? await findUserById(db, r.decided_by) : undefined
    return decisionRows(t, lang, deps.timeZone, { decider: decider && fullName(decider), decidedAt: r.decided_at })
  }

  // --- A PIN reset request, from the portal -------------------------------------------------
  const pinResetPage = (request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors?: FormErrors) => {
    const { t, lang } = request
    return reply.page(
      { title: t('access.pinReset.title'), errors, breadcrumbs: [{ text: t('common.home'), href: `/${lang}/home` }], body: pinResetFormBody(t, lang, { values, errors, csrf: reply.csrfToken() }) },
      errors ? 400 : 200,
    )
  }

  scope.get('/pin-reset', async (request, reply) => {
    if (!requireEmployer(request, reply)) return reply
    return pinResetPage(request, reply, {})
  })

  scope.post('/pin-reset', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const parsed = pinResetSchema.safeParse(request.body ?? {})
    if (!parsed.success) return pinResetPage(request, reply, strings(request.body, PIN_RESET_FIELDS), zodFormErrors(t, parsed.error, {}, PIN_RESET_FIELDS))
    const v = parsed.data
    const outcome = await requestPinReset(db, actorFrom(request, user), user, { givenNames: v.givenNames, familyName: v.familyName, businessKey: v.businessNumber, email: v.email, reason: v.reason, wantsPrimary: v.wantsPrimary === 'yes' }, clock.now())
    if (outcome === 'tooMany') return pinResetPage(request, reply, strings(request.body, PIN_RESET_FIELDS), formErrors([['businessNumber', t('access.pinReset.errTooMany', { max: MAX_OPEN_PIN_RESETS })]]))
    return reply.redirect(`/${lang}/pin-reset/sent`, 303)
  })

  scope.get('/pin-reset/sent', async (request, reply) => {
    if (!requireEmployer(request, reply)) return reply
    const { t, lang } = request
    return reply.page({ title: t('access.pinReset.sentTitle'), body: pinResetSentBody(t, lang) })
  })

  // --- Deciding a PIN reset: the shared detail page ----------------------------------------------
  const pinResetRows = async (t: Translate, lang: Lang, r: PinResetRequest, officer: boolean) => {
    const requester = await findUserById(db, r.requester_user_id)
    const business = r.business_id ? await db.selectFrom('business').select(['legal_name', 'business_number', 'employer_number']).where('id', '=', r.business_id).executeTakeFirst() : undefined
    // Before making someone the primary user, the officer sees who is the primary user now (who would become a secondary user).
    const primary = officer && r.business_id ? await activePrimaryUser(db, r.business_id) : undefined
    return [
      { key: t('access.givenNames'), value: r.given_names },
      { key: t('access.familyName'), value: r.family_name },
      { key: t('access.pinReset.business'), value: r.business_key },
      // Officers see what the number names (or that it names nothing); the requester never does.
      ...(officer ? [{ key: t('access.requests.matchedBusiness'), value: business ? `${business.legal_name} (${formatBusinessNumber(business.business_number)}, ${business.employer_number})` : t('access.requests.noMatch') }] : []),
      ...(officer && business
        ? [
            {
              key: t('access.requests.currentPrimary'),
              // "Becomes a secondary user if…" only while the request is open.
              value: primary
                ? t(r.status === 'submitted' ? 'access.requests.currentPrimaryValue' : 'access.requests.currentPrimaryDecided', {
                    name: fullName(primary),
                    account: `${primary.username}${primary.email ? `, ${primary.email}` : ''}`,
                    lastSignIn: primary.last_sign_in_at ? when(lang, primary.last_sign_in_at) : t('access.requests.neverSignedIn'),
                  })
                : t('access.requests.noPrimary'),
            },
          ]
        : []),
      // What the officer checks the claim against: the requester's place in the business now.
      ...(officer && business && r.business_id && r.status === 'submitted' ? [{ key: t('access.requests.relation'), value: await relationText(t, r.requester_user_id, r.business_id) }] : []),
      { key: t('access.pinReset.email'), value: r.email },
      { key: t('access.pinReset.wantsPrimary'), value: r.wants_primary ? t('access.pinReset.wantsPrimaryYes') : t('access.pinReset.wantsPrimaryNo') },
      { key: t('access.requests.personReason'), value: r.reason },
      { key: t('access.requests.account'), value: requester ? `${fullName(requester)} (${requester.username}${requester.email ? `, ${requester.email}` : ''})` : '' },
      { key: t('access.requests.submitted'), value: when(lang, r.created_at) },
      ...(r.decision_note ? [{ key: t('access.requests.reason'), value: r.decision_note }] : []),
      ...(await requestDecisionRows(t, lang, r)),
      ...(officer && r.status === 'submitted' ? [{ key: t('access.requests.otherOpen'), value: openRequestsList(t, lang, deps.timeZone, await otherOpenRequests(db, { userId: r.requester_user_id, businessId: r.business_id, except: r.id })) }] : []),
    ]
  }

  /** A person's role (and branch) in the business, or that they are not one of its users. */
  const relationText = async (t: Translate, userId: string, businessId: string) => {
    const m = await relationToBusiness(db, userId, businessId)
    if (!m) return t('access.requests.relationNone')
    const role = t(m.role === 'primary' ? 'access.typePrimary' : m.role === 'branch_primary' ? 'access.typeBranchPrimary' : 'access.typeSecondary')
    return m.branch ? t('access.requests.relationBranch', { role, branch: m.branch }) : role
  }

  const assigneeOf = async (id: string | null): Promise<Assignee | undefined> => {
    const a = id ? await findUserById(db, id) : undefined
    return a ? { id: a.id, name: fullName(a) } : undefined
  }

  const pinResetDetail = async (request: FastifyRequest, reply: FastifyReply, viewer: SignedInUser, r: PinResetRequest, base: string, errors?: FormErrors, values: Record<string, string> = {}, done?: string) => {
    const { t, lang } = request
    const officer = viewer.role !== 'employer'
    const assignee = await assigneeOf(r.assigned_to)
    const title = t('access.pinReset.detailTitle', { name: `${r.given_names} ${r.family_name}` })
    return reply.page(
      {
        title,
        errors,
        breadcrumbs: officer
          ? [
              { text: t('account.consoleTitle'), href: `/${lang}/console` },
              { text: t('access.pinReset.queueTitle'), href: `/${lang}/console/pin-resets` },
            ]
          : [
              { text: t('common.home'), href: `/${lang}/home` },
              { text: t('access.manageTitle'), href: `/${lang}/access` },
            ],
        body: requestDetailBody(t, {
          title,
          done,
          status: t(STATUS_LABEL[r.status]),
          rows: await pinResetRows(t, lang, r, officer),
          open: r.status === 'submitted',
          assign: officer ? { action: `${base}/assign`, assignee, viewerId: viewer.id } : undefined,
          decision: {
            // An officer's decision is asked about first, on a page of its own.
            action: officer ? `${base}/decision/confirm` : base,
            options: [
              { value: 'issue', text: t('access.requests.issuePin') },
              { value: 'refuse', text: t('access.requests.refuse') },
            ],
            values,
            errors,
            reasonHint: t('access.requests.reasonHint'),
          },
          csrf: reply.csrfToken(),
          back: officer ? { href: `/${lang}/console/pin-resets`, text: t('access.pinReset.queueTitle') } : { href: `/${lang}/access`, text: t('access.manageTitle') },
        }),
      },
      errors ? 400 : 200,
    )
  }

  const requestById = async (id: string) => (isUuid(id) ? db.selectFrom('pin_reset_request').selectAll().where('id', '=', id).executeTakeFirst() : undefined)

  /** The decision POST, for both deciders. */
  const decide = async (request: FastifyRequest, reply: FastifyReply, viewer: SignedInUser, r: PinResetRequest, base: string) => {
    const { t, lang } = request
    const values = strings(request.body, DECISION_FIELDS)
    // "No, change the decision" on the confirmation page: the form again, as it was filled in.
    if ((request.body as Record<string, unknown> | undefined)?.change === 'yes') return pinResetDetail(request, reply, viewer, r, base, undefined, values)
    const parsed = pinResetDecisionSchema.safeParse(values)
    if (!parsed.success) return pinResetDetail(request, reply, viewer, r, base, zodFormErrors(t, parsed.error, {}, DECISION_FIELDS), values)
    const d = { decision: parsed.data.decision, reason: parsed.data.reason }
    const outcome = await decidePinReset(deps.access, actorFrom(request, viewer), viewer, r, d, clock.now())
    if (outcome.kind === 'noBusiness') return noBusiness(request, reply, viewer, r, base, values)
    if (outcome.kind === 'issued' && viewer.role === 'employer') return reply.redirect(`/${lang}/access/pins/${outcome.pinId}/created`, 303)
    return reply.redirect(`${base}?done=${outcome.kind === 'alreadyDecided' ? 'already' : outcome.kind}`, 303)
  }

  const noBusiness = (request: FastifyRequest, reply: FastifyReply, viewer: SignedInUser, r: PinResetRequest, base: string, values: Record<string, string>) => {
    const message = request.t('access.requests.errNoBusiness')
    return pinResetDetail(request, reply, viewer, r, base, { summary: [{ text: message, href: '#decision' }], fields: { decision: message } }, values)
  }

  /** The banner after a decision: what was recorded, read back (the address only says whether to show it). */
  const doneText = (t: Translate, q: unknown, status: PinResetRequest['status'] | 'reactivated' | 'submitted') => {
    const done = (q as Record<string, unknown>).done
    if (done === 'already') return t('access.requests.alreadyDecided')
    if (done !== status) return undefined
    return status === 'issued' ? t('access.requests.issuedDone') : status === 'refused' ? t('access.requests.refusedDone') : status === 'reactivated' ? t('access.requests.reactivatedDone') : undefined
  }

  // The business's primary user decides the requests routed to them; anyone else is not told the request exists.
  const forPrimary = async (request: FastifyRequest, reply: FastifyReply) => {
    const user = requireEmployer(request, reply)
    if (!user) return undefined
    const r = await requestById((request.params as { id: string }).id)
    if (!r || r.handled_by !== 'primary' || !r.business_id) throw new NotFoundError()
    const m = await activeMembership(db, user.id, r.business_id)
    if (!m || m.role !== 'primary') throw new NotFoundError()
    return { user, r }
  }

  scope.get('/access/pin-resets/:id', async (request, reply) => {
    const found = await forPrimary(request, reply)
    if (!found) return reply
    return pinResetDetail(request, reply, found.user, found.r, `/${request.lang}/access/pin-resets/${found.r.id}`, undefined, {}, doneText(request.t, request.query, found.r.status))
  })

  scope.post('/access/pin-resets/:id', async (request, reply) => {
    const found = await forPrimary(request, reply)
    if (!found) return reply
    return decide(request, reply, found.user, found.r, `/${request.lang}/access/pin-resets/${found.r.id}`)
  })

  // --- The officers' queue -------------------------------------------------------------------
  const statusOf = <S extends readonly string[]>(all: S, q: unknown): S[number] => {
    const s = (q as Record<string, unknown>).status
    return (typeof s === 'string' && (all as readonly string[]).includes(s) ? s : all[0]) as S[number]
  }

  scope.get('/console/pin-resets', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const { t, lang } = request
    const status = statusOf(STATUSES.pinReset, request.query)
    const rows = await db
      .selectFrom('pin_reset_request as r')
      .leftJoin('app_user as a', 'a.id', 'r.assigned_to')
      .leftJoin('app_user as d', 'd.id', 'r.decided_by')
      .select(['r.id', 'r.given_names', 'r.family_name', 'r.business_key', 'r.created_at', 'r.assigned_to', 'a.given_name', 'a.family_name as a_family', 'a.username', 'r.decided_at', 'd.given_name as d_given', 'd.family_name as d_family', 'd.username as d_username'])
      .where('r.handled_by', '=', 'officers')
      .where('r.status', '=', status)
      .orderBy('r.created_at')
      .orderBy('r.id')
      .limit(200)
      .execute()
    return reply.page({
      title: t('access.pinReset.queueTitle'),
      breadcrumbs: [{ text: t('account.consoleTitle'), href: `/${lang}/console` }],
      body: requestQueueBody(t, lang, deps.timeZone, {
        title: t('access.pinReset.queueTitle'),
        path: `/${lang}/console/pin-resets`,
        viewerId: officer.id,
        status,
        statuses: STATUSES.pinReset.map((s) => ({ value: s, text: t(STATUS_LABEL[s]) })),
        detailHeading: t('access.pinReset.business'),
        decided: status !== 'submitted',
        rows: rows.map((r) => ({
          id: r.id,
          name: `${r.given_names} ${r.family_name}`,
          detail: r.business_key,
          submitted: when(lang, r.created_at),
          assignee: r.assigned_to ? { id: r.assigned_to, name: joinedFullName(r.given_name, r.a_family, r.username) ?? '' } : undefined,
          status,
          decision: { decider: joinedFullName(r.d_given, r.d_family, r.d_username), decidedAt: r.decided_at },
        })),
      }),
    })
  })

  const forOfficer = async (request: FastifyRequest, reply: FastifyReply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return undefined
    const r = await requestById((request.params as { id: string }).id)
    if (!r || r.handled_by !== 'officers') throw new NotFoundError()
    return { officer, r, base: `/${request.lang}/console/pin-resets/${r.id}` }
  }

  scope.get('/console/pin-resets/:id', async (request, reply) => {
    const found = await forOfficer(request, reply)
    if (!found) return reply
    return pinResetDetail(request, reply, found.officer, found.r, found.base, undefined, {}, doneText(request.t, request.query, found.r.status))
  })

  scope.post('/console/pin-resets/:id/assign', async (request, reply) => {
    const found = await forOfficer(request, reply)
    if (!found) return reply
    await assignPinReset(db, actorFrom(request, found.officer), found.officer.id, found.r.id, clock.now())
    return reply.redirect(found.base, 303)
  })

  // An officer's decision is final and may change who is the primary user: it is asked about first, on a page of its own.
  scope.post('/console/pin-resets/:id/decision/confirm', async (request, reply) => {
    const found = await forOfficer(request, reply)
    if (!found) return reply
    const { t, lang } = request
    const { officer, r, base } = found
    const values = strings(request.body, DECISION_FIELDS)
    const parsed = pinResetDecisionSchema.safeParse(values)
    if (!parsed.success) return pinResetDetail(request, reply, officer, r, base, zodFormErrors(t, parsed.error, {}, DECISION_FIELDS), values)
    if (r.status !== 'submitted') return reply.redirect(`${base}?done=already`, 303)
    const issue = parsed.data.decision === 'issue'
    if (issue && !r.business_id) return noBusiness(request, reply, officer, r, base, values)
    const business = r.business_id ? await db.selectFrom('business').select('legal_name').where('id', '=', r.business_id).executeTakeFirst() : undefined
    const requester = await findUserById(db, r.requester_user_id)
    const makesPrimary = issue && r.wants_primary
    const primary = makesPrimary && r.business_id ? await activePrimaryUser(db, r.business_id) : undefined
    const replaced = primary && primary.id !== r.requester_user_id ? primary : undefined
    const name = `${r.given_names} ${r.family_name}`
    const account = (u: { username: string; email: string | null } & Parameters<typeof fullName>[0]) => `${fullName(u)} (${u.username}${u.email ? `, ${u.email}` : ''})`
    const words = { name, business: business?.legal_name ?? r.business_key, email: r.email, primary: replaced ? fullName(replaced) : '' }
    const title = makesPrimary ? t('access.requests.confirmIssuePrimaryTitle', words) : issue ? t('access.requests.confirmIssueTitle', words) : t('access.requests.confirmRefuseTitle', words)
    const detailTitle = t('access.pinReset.detailTitle', { name })
    return reply.page({
      title,
      breadcrumbs: [
        { text: t('account.consoleTitle'), href: `/${lang}/console` },
        { text: t('access.pinReset.queueTitle'), href: `/${lang}/console/pin-resets` },
        { text: detailTitle, href: base },
      ],
      body: requestConfirmBody({
        title,
        warning: assignedElsewhereNotice(t, await assigneeOf(r.assigned_to), officer.id),
        rows: [
          { key: t('access.requests.decision'), value: issue ? t('access.requests.issuePin') : t('access.requests.refuse') },
          ...(makesPrimary
            ? [
                { key: t('access.requests.confirmGetsRole'), value: requester ? `${name}: ${account(requester)}` : name },
                { key: t('access.requests.confirmLosesRole'), value: replaced ? account(replaced) : t('access.requests.confirmNoOneLoses') },
                { key: t('access.requests.relation'), value: await relationText(t, r.requester_user_id, r.business_id!) },
              ]
            : []),
          { key: t('access.requests.reason'), value: parsed.data.reason },
        ],
        body: [makesPrimary ? (replaced ? t('access.requests.confirmIssuePrimaryBody', words) : t('access.requests.confirmIssuePrimaryBodyNoPrimary', words)) : issue ? t('access.requests.confirmIssueBody', words) : t('access.requests.confirmRefuseBody', words)],
        form: confirmDecisionForm({
          action: `${base}/decision`,
          csrf: reply.csrfToken(),
          values,
          yes: { text: issue ? t('access.requests.confirmIssueYes') : t('access.requests.confirmRefuseYes'), variant: issue ? 'primary' : 'danger' },
          no: { text: t('access.requests.changeDecision'), name: 'change', value: 'yes' },
        }),
      }),
    })
  })

  scope.post('/console/pin-resets/:id/decision', async (request, reply) => {
    const found = await forOfficer(request, reply)
    if (!found) return reply
    return decide(request, reply, found.officer, found.r, found.base)
  })

  // --- Reactivation: the dormant person's request ------------------------------------------------
  const reactivationPage = async (request: FastifyRequest, reply: FastifyReply, user: SignedInUser, values: Record<string, string>, errors?: FormErrors) => {
    const { t, lang } = request
    const dormant = request.businessContext?.userDormant ?? user.status === 'dormant'
    const open = await openReactivationRequest(db, user.id)
    const state = !dormant ? 'active' : open ? 'open' : 'form'
    return reply.page(
      {
        title: t('access.reactivation.title'),
        errors,
        breadcrumbs: [{ text: t('common.home'), href: `/${lang}/home` }],
        body: reactivationBody(t, lang, { state, openSince: open ? formatInZone(lang, open.created_at, deps.timeZone, 'date') : undefined, sent: (request.query as Record<string, unknown>).sent === '1', values, errors, csrf: reply.csrfToken() }),
      },
      errors ? 400 : 200,
    )
  }

  scope.get('/dormancy/reactivate', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    return reactivationPage(request, reply, user, {})
  })

  scope.post('/dormancy/reactivate', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const dormant = request.businessContext?.userDormant ?? user.status === 'dormant'
    if (!dormant) return reply.redirect(`/${lang}/dormancy/reactivate`, 303)
    const parsed = reactivationSchema.safeParse(request.body ?? {})
    if (!parsed.success) return reactivationPage(request, reply, user, strings(request.body, ['reason']), zodFormErrors(t, parsed.error, {}, ['reason']))
    await requestReactivation(db, actorFrom(request, user), user.id, parsed.data.reason, clock.now())
    return reply.redirect(`/${lang}/dormancy/reactivate?sent=1`, 303)
  })

  // --- Reactivation: the officers' queue --------------------------------------------------------
  scope.get('/console/reactivations', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const { t, lang } = request
    const status = statusOf(STATUSES.reactivation, request.query)
    const rows = await db
      .selectFrom('reactivation_request as r')
      .innerJoin('app_user as u', 'u.id', 'r.user_id')
      .leftJoin('user_dormancy as ud', 'ud.user_id', 'r.user_id')
      .leftJoin('app_user as a', 'a.id', 'r.assigned_to')
      .leftJoin('app_user as d', 'd.id', 'r.decided_by')
      .select(['r.id', 'r.user_id', 'r.assigned_to', 'r.created_at', 'u.given_name', 'u.family_name', 'u.username', 'ud.dormant_at', 'a.given_name as a_given', 'a.family_name as a_family', 'a.username as a_username', 'r.decided_at', 'd.given_name as d_given', 'd.family_name as d_family', 'd.username as d_username'])
      .where('r.status', '=', status)
      .orderBy('r.created_at')
      .orderBy('r.id')
      .limit(200)
      .execute()
    // Whose access the decision restores: each person's businesses (names only; the request's page says more).
    const userIds = [...new Set(rows.map((r) => r.user_id))]
    const memberships = userIds.length
      ? await db.selectFrom('business_membership as m').innerJoin('business as b', 'b.id', 'm.business_id').select(['m.user_id', 'b.legal_name']).where('m.user_id', 'in', userIds).where('m.status', '=', sql.lit('active')).orderBy('b.legal_name').execute()
      : []
    const businessesOf = (userId: string) => memberships.filter((m) => m.user_id === userId).map((m) => m.legal_name).join(', ') || t('access.reactivation.noBusiness')
    return reply.page({
      title: t('access.reactivation.queueTitle'),
      breadcrumbs: [{ text: t('account.consoleTitle'), href: `/${lang}/console` }],
      body: requestQueueBody(t, lang, deps.timeZone, {
        title: t('access.reactivation.queueTitle'),
        path: `/${lang}/console/reactivations`,
        viewerId: officer.id,
        status,
        statuses: STATUSES.reactivation.map((s) => ({ value: s, text: t(STATUS_LABEL[s]) })),
        // When the account became dormant (its last sign-in is the one made to ask: it says nothing).
        detailHeading: t('access.reactivation.dormantAt'),
        extraHeading: t('access.reactivation.businesses'),
        decided: status !== 'submitted',
        rows: rows.map((r) => ({
          id: r.id,
          name: fullName(r),
          detail: r.dormant_at ? when(lang, r.dormant_at) : t('access.reactivation.notRecorded'),
          extra: businessesOf(r.user_id),
          submitted: when(lang, r.created_at),
          assignee: r.assigned_to ? { id: r.assigned_to, name: joinedFullName(r.a_given, r.a_family, r.a_username) ?? '' } : undefined,
          status,
          decision: { decider: joinedFullName(r.d_given, r.d_family, r.d_username), decidedAt: r.decided_at },
        })),
      }),
    })
  })

  const reactivationById = async (request: FastifyRequest, reply: FastifyReply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return undefined
    const { id } = request.params as { id: string }
    const r = isUuid(id) ? await db.selectFrom('reactivation_request').selectAll().where('id', '=', id).executeTakeFirst() : undefined
    if (!r) throw new NotFoundError()
    return { officer, r, base: `/${request.lang}/console/reactivations/${r.id}` }
  }

  const reactivationDetail = async (request: FastifyRequest, reply: FastifyReply, found: NonNullable<Awaited<ReturnType<typeof reactivationById>>>, errors?: FormErrors, values: Record<string, string> = {}) => {
    const { t, lang } = request
    const { r, officer, base } = found
    const person = await findUserById(db, r.user_id)
    const dormancy = await db.selectFrom('user_dormancy').select('dormant_at').where('user_id', '=', r.user_id).executeTakeFirst()
    const dormantAt = dormancy?.dormant_at ?? null
    // The sign-in before the dormancy, not the one the person made to ask (or since).
    const before = person && dormantAt ? signInBeforeDormancy(person, dormantAt) : undefined
    const assignee = await assigneeOf(r.assigned_to)
    const primaryOf = await db
      .selectFrom('business_membership as m')
      .innerJoin('business as b', 'b.id', 'm.business_id')
      .select(['b.legal_name', 'b.business_number', 'b.status', 'm.role'])
      .where('m.user_id', '=', r.user_id)
      .where('m.status', '=', sql.lit('active'))
      .orderBy('b.legal_name')
      .execute()
    const title = t('access.reactivation.detailTitle', { name: person ? fullName(person) : '' })
    return reply.page(
      {
        title,
        errors,
        breadcrumbs: [
          { text: t('account.consoleTitle'), href: `/${lang}/console` },
          { text: t('access.reactivation.queueTitle'), href: `/${lang}/console/reactivations` },
        ],
        body: requestDetailBody(t, {
          title,
          done: doneText(t, request.query, r.status),
          status: t(STATUS_LABEL[r.status]),
          rows: [
            { key: t('access.requests.account'), value: person ? `${fullName(person)} (${person.username}${person.email ? `, ${person.email}` : ''})` : '' },
            { key: t('access.reactivation.dormantAt'), value: dormantAt ? when(lang, dormantAt) : t('access.reactivation.notRecorded') },
            ...(before !== undefined ? [{ key: t('access.reactivation.lastSignInBefore'), value: before ? when(lang, before) : t('access.reactivation.never') }] : []),
            { key: t('access.reactivation.businesses'), value: primaryOf.length ? html`<ul>${primaryOf.map((b) => html`<li>${b.legal_name} (${formatBusinessNumber(b.business_number)}) — ${t(b.role === 'primary' ? 'access.typePrimary' : b.role === 'branch_primary' ? 'access.typeBranchPrimary' : 'access.typeSecondary')}${b.status === 'dormant' ? html` — <strong>${t('access.reactivation.businessDormant')}</strong>` : ''}</li>`)}</ul>` : t('access.reactivation.noBusiness') },
            ...(r.status === 'submitted' ? [{ key: t('access.reactivation.restores'), value: t('access.reactivation.restoresValue') }] : []),
            { key: t('access.requests.personReason'), value: r.reason },
            { key: t('access.requests.submitted'), value: when(lang, r.created_at) },
            ...(r.decision_note ? [{ key: t('access.requests.reason'), value: r.decision_note }] : []),
            ...(await requestDecisionRows(t, lang, r)),
          ],
          open: r.status === 'submitted',
          assign: { action: `${base}/assign`, assignee, viewerId: officer.id },
          decision: {
            action: `${base}/decision/confirm`,
            options: [
              { value: 'reactivate', text: t('access.requests.reactivate') },
              { value: 'refuse', text: t('access.requests.refuse') },
            ],
            values,
            errors,
            reasonHint: t('access.requests.reasonHint'),
          },
          csrf: reply.csrfToken(),
          back: { href: `/${lang}/console/reactivations`, text: t('access.reactivation.queueTitle') },
        }),
      },
      errors ? 400 : 200,
    )
  }

  scope.get('/console/reactivations/:id', async (request, reply) => {
    const found = await reactivationById(request, reply)
    if (!found) return reply
    return reactivationDetail(request, reply, found)
  })

  scope.post('/console/reactivations/:id/assign', async (request, reply) => {
    const found = await reactivationById(request, reply)
    if (!found) return reply
    await assignReactivation(db, actorFrom(request, found.officer), found.officer.id, found.r.id, clock.now())
    return reply.redirect(found.base, 303)
  })

  // A reactivation is final and tells the person: asked about first, on a page of its own.
  scope.post('/console/reactivations/:id/decision/confirm', async (request, reply) => {
    const found = await reactivationById(request, reply)
    if (!found) return reply
    const { t, lang } = request
    const { r, officer, base } = found
    const values = strings(request.body, DECISION_FIELDS)
    const parsed = reactivationDecisionSchema.safeParse(values)
    if (!parsed.success) return reactivationDetail(request, reply, found, zodFormErrors(t, parsed.error, {}, DECISION_FIELDS), values)
    if (r.status !== 'submitted') return reply.redirect(`${base}?done=already`, 303)
    const person = await findUserById(db, r.user_id)
    const name = person ? fullName(person) : ''
    const reactivate = parsed.data.decision === 'reactivate'
    const title = reactivate ? t('access.requests.confirmReactivateTitle', { name }) : t('access.requests.confirmRefuseTitle', { name })
    return reply.page({
      title,
      breadcrumbs: [
        { text: t('account.consoleTitle'), href: `/${lang}/console` },
        { text: t('access.reactivation.queueTitle'), href: `/${lang}/console/reactivations` },
        { text: t('access.reactivation.detailTitle', { name }), href: base },
      ],
      body: requestConfirmBody({
        title,
        warning: assignedElsewhereNotice(t, await assigneeOf(r.assigned_to), officer.id),
        rows: [
          { key: t('access.requests.decision'), value: reactivate ? t('access.requests.reactivate') : t('access.requests.refuse') },
          { key: t('access.requests.reason'), value: parsed.data.reason },
        ],
        body: [reactivate ? t('access.requests.confirmReactivateBody', { name }) : t('access.requests.confirmRefuseBody', { name })],
        form: confirmDecisionForm({
          action: `${base}/decision`,
          csrf: reply.csrfToken(),
          values,
          yes: { text: reactivate ? t('access.requests.confirmReactivateYes') : t('access.requests.confirmRefuseYes'), variant: reactivate ? 'primary' : 'danger' },
          no: { text: t('access.requests.changeDecision'), name: 'change', value: 'yes' },
        }),
      }),
    })
  })

  scope.post('/console/reactivations/:id/decision', async (request, reply) => {
    const found = await reactivationById(request, reply)
    if (!found) return reply
    const { t } = request
    const values = strings(request.body, DECISION_FIELDS)
    if ((request.body as Record<string, unknown> | undefined)?.change === 'yes') return reactivationDetail(request, reply, found, undefined, values)
    const parsed = reactivationDecisionSchema.safeParse(values)
    if (!parsed.success) return reactivationDetail(request, reply, found, zodFormErrors(t, parsed.error, {}, DECISION_FIELDS), values)
    const outcome = await decideReactivation(db, actorFrom(request, found.officer), found.officer.id, found.r.id, { decision: parsed.data.decision, note: parsed.data.reason }, clock.now())
    return reply.redirect(`${found.base}?done=${outcome === 'alreadyDecided' ? 'already' : outcome}`, 303)
  })

  // --- The business's audit trail, for its primary user ------------------------------------------
  scope.get('/access/audit', async (request, reply) => businessAuditPage(request, reply, deps))
}
