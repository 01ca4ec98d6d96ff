import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import type { SignedInUser } from '../../db/database.ts'
import { pluralKey } from '../../i18n/i18n.ts'
import { actorFrom } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { html, type Html } from '../../platform/html.ts'
import { notice } from '../../ui/components.ts'
import { formErrors, zodFormErrors, type FormErrors } from '../../ui/form-errors.ts'
import { requireEmployer } from '../auth/guards.ts'
import { pinKeys } from './access.pin.ts'
import { activeMembership, actingMembership, canCreateBranch, canManage, canManageTarget, isUuid, type ActingMembership } from './access.policy.ts'
import { branchesWithoutPrimary, findBranch, findMember, transferCandidates, findPin, listBranches, listMembers, listOpenPins, openPinResetsFor } from './access.repository.ts'
import { formatInZone } from '../../platform/dates.ts'
import { BRANCH_FIELDS, branchSchema, CREATE_USER_FIELDS, createUserSchema, JOIN_FIELDS, joinSchema } from './access.schema.ts'
import { createBranch, deleteMember, expireDuePins, issuePin, joinWithPin, readablePin, reissue, revoke, transferPrimary, type AccessDeps } from './access.service.ts'
import type { AccessPin } from './access.tables.ts'
import { registerAccessRequestRoutes } from './access-requests.routes.ts'
import { currentMembership, refuseFormerMember, registerBusinessSwitchRoutes } from './active-business.ts'
import { confirmBody, transferBody, transferConfirmBody, createBranchBody, createUserBody, joinBody, manageAccessBody, memberStatus, notAllowedBody, notReissuable, pinCreatedBody, pinCreatedTitle, pinStatus, type AccessRow } from './access.views.ts'

export interface AccessRouteDeps {
  db: Db
  clock: Clock
  timeZone: string
  /** Keys for PIN hashes and sealed PINs are derived from it (the session secret). */
  secret: string
  /** SESSION_SECRET_PREVIOUS: PINs issued under these are still found and shown. */
  previousSecrets?: readonly string[]
}

/** "Try again in N minutes", in the plural form the wait needs. */
function throttledMessage(request: FastifyRequest, waitMs: number): string {
  const minutes = Math.ceil(waitMs / 60_000)
  return request.t(pluralKey(request.lang, 'access.errThrottled', minutes), { minutes })
}

function typed(raw: Record<string, unknown>, fields: readonly string[]): Record<string, string> {
  return Object.fromEntries(fields.map((k) => [k, typeof raw[k] === 'string' ? (raw[k] as string) : '']))
}

/** "Manage access", creating users and branches, PINs, and joining a business with a PIN. */
export function registerAccessRoutes(scope: FastifyInstance, routeDeps: AccessRouteDeps): void {
  const { db, clock } = routeDeps
  const deps: AccessDeps = { db, keys: pinKeys(routeDeps.secret, routeDeps.previousSecrets), timeZone: routeDeps.timeZone }
  const q = (m: ActingMembership) => `?business=${m.businessId}`

  function notAllowed(request: FastifyRequest, reply: FastifyReply): undefined {
    const { t } = request
    void reply.page({ title: t('access.notAllowedTitle'), body: notAllowedBody(t, request.lang, t('access.notAllowedTitle'), t('access.notAllowedBody')) }, 403)
    return undefined
  }

  /** A manager of the business they act for (`?business=` or their first). */
  async function manager(request: FastifyRequest, reply: FastifyReply): Promise<{ user: SignedInUser; m: ActingMembership } | undefined> {
    const user = requireEmployer(request, reply)
    if (!user) return undefined
    const asked = (request.query as Record<string, unknown>).business
    // A link naming a business (?business=) acts for it and makes it the active one; otherwise the header's choice.
    const m = typeof asked === 'string' && asked ? await actingMembership(db, user.id, asked) : await currentMembership(db, request, user.id)
    if (typeof asked === 'string' && asked && !m) throw new NotFoundError()
    if (m && request.session.activeBusinessId !== m.businessId && typeof asked === 'string' && asked) {
      request.session.activeBusinessId = m.businessId
      const context = request.businessContext
      if (context) context.current = context.choices.find((c) => c.businessId === m.businessId) ?? context.current
    }
    if (!canManage(m)) return notAllowed(request, reply)
    return { user, m }
  }

  /** A manager allowed to act on this object; anyone outside its business or branch gets 404. */
  async function managerOf(request: FastifyRequest, reply: FastifyReply, target: { business_id: string; branch_id: string | null } | undefined) {
    const user = requireEmployer(request, reply)
    if (!user) return undefined
    if (!target) throw new NotFoundError()
    const m = await activeMembership(db, user.id, target.business_id)
    if (!m) {
      await refuseFormerMember(db, request, user.id, target.business_id)
      throw new NotFoundError()
    }
    if (!canManage(m)) return notAllowed(request, reply)
    if (!canManageTarget(m, { businessId: target.business_id, branchId: target.branch_id })) throw new NotFoundError()
    return { user, m }
  }

  const pinOf = async (request: FastifyRequest): Promise<AccessPin | undefined> => {
    const id = (request.params as { id: string }).id
    const pin = isUuid(id) ? await findPin(db, id) : undefined
    // The department's 'primary' PINs are not managed from "Manage access".
    return pin?.role === 'primary' ? undefined : pin
  }
  const memberOf = async (request: FastifyRequest) => {
    const id = (request.params as { id: string }).id
    return isUuid(id) ? findMember(db, id) : undefined
  }

  const accessPage = async (request: FastifyRequest, reply: FastifyReply, user: SignedInUser, m: ActingMembership, banner?: Html) => {
    const { t, lang } = request
    const now = clock.now()
    await expireDuePins(deps, m.businessId, now)
    const branchScope = m.role === 'branch_primary' ? (m.branchId ?? undefined) : undefined
    const [members, pins, branches, pinResets] = await Promise.all([
      listMembers(db, m.businessId, branchScope),
      listOpenPins(db, m.businessId, branchScope),
      listBranches(db, m.businessId),
      m.role === 'primary' ? openPinResetsFor(db, m.businessId) : Promise.resolve([]),
    ])
    const branchName = new Map(branches.map((b) => [b.id, b.name]))
    const ledBranches = new Set(members.filter((r) => r.role === 'branch_primary' && r.status === 'active').map((r) => r.branch_id))
    const rows: AccessRow[] = [
      ...members.map((r): AccessRow => {
        const status = memberStatus(r)
        const deletable = status !== 'deleted' && r.role !== 'primary' && r.user_id !== user.id && canManageTarget(m, { businessId: r.business_id, branchId: r.branch_id })
        return {
          givenNames: r.given_name,
          familyName: r.family_name,
          email: r.email,
          status,
          role: r.role,
          branch: r.branch_id ? (branchName.get(r.branch_id) ?? null) : null,
          actions: deletable ? [{ href: `/${lang}/access/members/${r.id}/delete`, text: t('access.deleteAccount') }] : [],
        }
      }),
      ...pins.map((p): AccessRow => {
        const status = pinStatus(p, now)
        const open = p.status === 'issued' || p.status === 'locked' || p.status === 'expired'
        return {
          givenNames: p.given_names,
          familyName: p.family_name,
          pin: readablePin(deps, p, now),
          email: p.email,
          status,
          role: p.role,
          branch: p.branch_id ? (branchName.get(p.branch_id) ?? null) : null,
          actions: open
            ? [
                { href: `/${lang}/access/pins/${p.id}/reissue`, text: t('access.reissuePin') },
                { href: `/${lang}/access/pins/${p.id}/revoke`, text: t('access.revokePin') },
              ]
            : [],
        }
      }),
    ]
    return reply.page({
      title: t('access.manageTitle'),
      breadcrumbs: [{ text: t('common.home'), href: `/${lang}/home` }],
      body: manageAccessBody(t, lang, {
        business: m.businessName,
        branchName: m.branchId ? branchName.get(m.branchId) : undefined,
        query: q(m),
        rows,
        branches: m.role === 'primary' ? branches.map((b) => ({ ...b, withoutPrimary: !ledBranches.has(b.id) })) : [],
        canCreateBranch: canCreateBranch(m),
        showBranch: m.role === 'primary' && branches.length > 0,
        notice: banner,
        pinResets: pinResets.map((r) => ({ href: `/${lang}/access/pin-resets/${r.id}`, name: `${r.given_names} ${r.family_name}`, submitted: formatInZone(lang, r.created_at, routeDeps.timeZone, 'listed') })),
        auditHref: m.role === 'primary' ? `/${lang}/access/audit` : undefined,
      }),
    })
  }

  registerBusinessSwitchRoutes(scope, { db, clock })
  registerAccessRequestRoutes(scope, { db, clock, timeZone: routeDeps.timeZone, access: deps })

  scope.get('/access', async (request, reply) => {
    const found = await manager(request, reply)
    if (!found) return reply
    return accessPage(request, reply, found.user, found.m, await doneNotice(request, found.m))
  })

  /** After a revoke or a delete (post/redirect/get): what was done, named, when it is this manager's to know. */
  const doneNotice = async (request: FastifyRequest, m: ActingMembership): Promise<Html | undefined> => {
    const { t } = request
    const q = request.query as Record<string, unknown>
    const id = (k: string) => (typeof q[k] === 'string' && isUuid(q[k]) ? q[k] : undefined)
    const revokedId = id('revoked')
    const deletedId = id('deleted')
    if (revokedId) {
      const pin = await findPin(db, revokedId)
      if (pin && pin.status === 'revoked' && canManageTarget(m, { businessId: pin.business_id, branchId: pin.branch_id })) {
        return notice({ kind: 'success', title: t('access.revokedNotice', { name: `${pin.given_names} ${pin.family_name}` }) })
      }
    }
    if (deletedId) {
      const member = await findMember(db, deletedId)
      if (member && member.status === 'removed' && canManageTarget(m, { businessId: member.business_id, branchId: member.branch_id })) {
        return notice({ kind: 'success', title: t('access.deletedNotice', { name: `${member.given_name} ${member.family_name}`.trim() }) })
      }
    }
    return undefined
  }

  // --- Create a secondary user -------------------------------------------------------------
  /** The branches a primary user may add a user to (a branch primary adds to their own branch only). */
  const branchChoices = async (m: ActingMembership) => (m.role === 'primary' ? listBranches(db, m.businessId) : [])

  const createUserPage = async (request: FastifyRequest, reply: FastifyReply, m: ActingMembership, values: Record<string, string>, errors?: FormErrors) => {
    const { t, lang } = request
    const back = `/${lang}/access${q(m)}`
    const branches = await branchChoices(m)
    return reply.page(
      { title: t('access.createUserTitle'), errors, backLink: { href: back }, body: createUserBody(t, lang, { business: m.businessName, query: q(m), back, values, errors, csrf: reply.csrfToken(), branches }) },
      errors ? 400 : 200,
    )
  }

  scope.get('/access/users/new', async (request, reply) => {
    const found = await manager(request, reply)
    if (!found) return reply
    return createUserPage(request, reply, found.m, {})
  })

  scope.post('/access/users/new', async (request, reply) => {
    const found = await manager(request, reply)
    if (!found) return reply
    const { t, lang } = request
    const raw = (request.body ?? {}) as Record<string, unknown>
    const parsed = createUserSchema.safeParse(raw)
    if (!parsed.success) return createUserPage(request, reply, found.m, typed(raw, CREATE_USER_FIELDS), zodFormErrors(t, parsed.error, {}, CREATE_USER_FIELDS))
    const { m, user } = found
    let branchId = m.role === 'branch_primary' ? m.branchId : null
    if (m.role === 'primary' && parsed.data.branch) {
      const branches = await branchChoices(m)
      if (!branches.some((b) => b.id === parsed.data.branch)) return createUserPage(request, reply, m, typed(raw, CREATE_USER_FIELDS), formErrors([['branch', t('access.errBranch')]]))
      branchId = parsed.data.branch
    }
    const pin = await issuePin(deps, actorFrom(request, user), user, m, { ...parsed.data, role: 'secondary', branchId }, lang, clock.now())
    return reply.redirect(`/${lang}/access/pins/${pin.id}/created`, 303)
  })

  // --- The PIN, shown after it is made ------------------------------------------------------
  scope.get('/access/pins/:id/created', async (request, reply) => {
    const pin = await pinOf(request)
    const found = await managerOf(request, reply, pin)
    if (!found || !pin) return reply
    const { t, lang } = request
    const shown = readablePin(deps, pin, clock.now())
    const title = pinCreatedTitle(t, pin, !!shown)
    const name = `${pin.given_names} ${pin.family_name}`
    const hiddenBody = notReissuable(t, pin, name)
    const branch = pin.branch_id ? await findBranch(db, pin.branch_id) : undefined
    return reply.page({
      title,
      body: pinCreatedBody(t, {
        title,
        name,
        pin: shown,
        expires: formatInZone(lang, pin.expires_at, routeDeps.timeZone, 'date'),
        email: pin.email,
        branch: branch ? { name: branch.name, primary: pin.role === 'branch_primary' } : undefined,
        reissued: !!pin.reissued_at,
        continueHref: `/${lang}/access${q(found.m)}`,
        hiddenBody,
        reissueHref: hiddenBody ? undefined : `/${lang}/access/pins/${pin.id}/reissue`,
      }),
    })
  })

  // --- Re-issue and revoke --------------------------------------------------------------
  /**
   * A revoked PIN is final (revoking says "you can create the user again"), and a used one became a membership:
   * neither is issued again nor revoked. Only a PIN still open (issued, locked, expired) is; the table offers only those.
   */
  const closedPin = (request: FastifyRequest, reply: FastifyReply, pin: AccessPin, m: ActingMembership, action: 'reissue' | 'revoke') => {
    const { t, lang } = request
    const why = notReissuable(t, pin, `${pin.given_names} ${pin.family_name}`)
    if (!why) return undefined
    const title = action === 'reissue' ? t('access.reissueRefusedTitle') : t('access.revokeTitle')
    const back = `/${lang}/access${q(m)}`
    return reply.page({ title, backLink: { href: back }, body: html`<h1>${title}</h1>${notice({ kind: 'warning', title: why })}<p><a href="${back}">${t('access.manageTitle')}</a></p>` }, 409)
  }

  for (const action of ['reissue', 'revoke'] as const) {
    scope.get(`/access/pins/:id/${action}`, async (request, reply) => {
      const pin = await pinOf(request)
      const found = await managerOf(request, reply, pin)
      if (!found || !pin) return reply
      const closed = closedPin(request, reply, pin, found.m, action)
      if (closed) return closed
      const { t, lang } = request
      const name = `${pin.given_names} ${pin.family_name}`
      const title = action === 'reissue' ? t('access.reissueTitle') : t('access.revokeTitle')
      return reply.page({
        title,
        backLink: { href: `/${lang}/access${q(found.m)}` },
        body: confirmBody(t, {
          title,
          body: action === 'reissue' ? t('access.reissueBody', { name }) : t('access.revokeBody', { name }),
          action: `/${lang}/access/pins/${pin.id}/${action}`,
          confirm: action === 'reissue' ? t('access.reissuePin') : t('access.revokeConfirm'),
          cancelHref: `/${lang}/access${q(found.m)}`,
          csrf: reply.csrfToken(),
          danger: action === 'revoke',
        }),
      })
    })

    scope.post(`/access/pins/:id/${action}`, async (request, reply) => {
      const pin = await pinOf(request)
      const found = await managerOf(request, reply, pin)
      if (!found || !pin) return reply
      const closed = closedPin(request, reply, pin, found.m, action)
      if (closed) return closed
      const { lang } = request
      const actor = actorFrom(request, found.user)
      if (action === 'reissue') {
        await reissue(deps, actor, found.user, found.m, pin, lang, clock.now())
        return reply.redirect(`/${lang}/access/pins/${pin.id}/created`, 303)
      }
      await revoke(deps, actor, pin, clock.now())
      return reply.redirect(`/${lang}/access${q(found.m)}&revoked=${pin.id}`, 303)
    })
  }

  // --- Delete Account ---------------------------------------------------------------------
  scope.get('/access/members/:id/delete', async (request, reply) => {
    const member = await memberOf(request)
    const found = await managerOf(request, reply, member)
    if (!found || !member) return reply
    const { t, lang } = request
    const name = `${member.given_name} ${member.family_name}`.trim()
    const back = `/${lang}/access${q(found.m)}`
    const refusal = member.role === 'primary' ? t('access.cannotDeletePrimary') : member.user_id === found.user.id ? t('access.cannotDeleteSelf') : member.status !== 'active' ? t('access.alreadyGone') : undefined
    if (refusal) return reply.page({ title: t('access.deleteTitle'), backLink: { href: back }, body: html`<h1>${t('access.deleteTitle')}</h1>${notice({ kind: 'warning', title: refusal })}` }, 409)
    return reply.page({
      title: t('access.deleteTitle'),
      backLink: { href: back },
      body: confirmBody(t, {
        title: t('access.deleteTitle'),
        body: t('access.deleteBody', { name, business: found.m.businessName }),
        action: `/${lang}/access/members/${member.id}/delete`,
        confirm: t('access.deleteConfirm'),
        cancelHref: back,
        csrf: reply.csrfToken(),
        danger: true,
      }),
    })
  })

  scope.post('/access/members/:id/delete', async (request, reply) => {
    const member = await memberOf(request)
    const found = await managerOf(request, reply, member)
    if (!found || !member) return reply
    const { t, lang } = request
    const result = await deleteMember(deps, actorFrom(request, found.user), found.user.id, member, clock.now())
    if (result === 'primary' || result === 'self') {
      return reply.page({ title: t('access.deleteTitle'), body: html`<h1>${t('access.deleteTitle')}</h1>${notice({ kind: 'warning', title: result === 'primary' ? t('access.cannotDeletePrimary') : t('access.cannotDeleteSelf') })}` }, 409)
    }
    return reply.redirect(`/${lang}/access${q(found.m)}&deleted=${member.id}`, 303)
  })

  // --- Create a branch --------------------------------------------------------------------
  const branchPage = (request: FastifyRequest, reply: FastifyReply, m: ActingMembership, values: Record<string, string>, errors?: FormErrors) => {
    const { t, lang } = request
    const back = `/${lang}/access${q(m)}`
    return reply.page({ title: t('access.createBranchTitle'), errors, backLink: { href: back }, body: createBranchBody(t, lang, { query: q(m), back, values, errors, csrf: reply.csrfToken() }) }, errors ? 400 : 200)
  }

  const branchManager = async (request: FastifyRequest, reply: FastifyReply) => {
    const found = await manager(request, reply)
    if (!found) return undefined
    if (!canCreateBranch(found.m)) return notAllowed(request, reply)
    return found
  }

  scope.get('/access/branches/new', async (request, reply) => {
    const found = await branchManager(request, reply)
    if (!found) return reply
    return branchPage(request, reply, found.m, {})
  })

  scope.post('/access/branches/new', async (request, reply) => {
    const found = await branchManager(request, reply)
    if (!found) return reply
    const { t, lang } = request
    const raw = (request.body ?? {}) as Record<string, unknown>
    const parsed = branchSchema.safeParse(raw)
    if (!parsed.success) return branchPage(request, reply, found.m, typed(raw, BRANCH_FIELDS), zodFormErrors(t, parsed.error, {}, BRANCH_FIELDS))
    const pin = await createBranch(deps, actorFrom(request, found.user), found.user, found.m, parsed.data, lang, clock.now())
    return reply.redirect(`/${lang}/access/pins/${pin.id}/created`, 303)
  })

  // --- Transfer of the primary role ------------------------------------------------------
  const transferPage = async (request: FastifyRequest, reply: FastifyReply, m: ActingMembership, value?: string, errors?: FormErrors) => {
    const { t, lang } = request
    const back = `/${lang}/access${q(m)}`
    const [candidates, branches] = await Promise.all([transferCandidates(db, m.businessId, m.membershipId), listBranches(db, m.businessId)])
    const branchNames = new Map(branches.map((b) => [b.id, b.name]))
    return reply.page({ title: t('access.transferTitle'), errors, backLink: { href: back }, body: transferBody(t, lang, { business: m.businessName, query: q(m), back, candidates, branchNames, value, errors, csrf: reply.csrfToken() }) }, errors ? 400 : 200)
  }

  scope.get('/access/transfer', async (request, reply) => {
    const found = await branchManager(request, reply)
    if (!found) return reply
    return transferPage(request, reply, found.m)
  })

  scope.post('/access/transfer', async (request, reply) => {
    const found = await branchManager(request, reply)
    if (!found) return reply
    const { t, lang } = request
    const to = String((request.body as Record<string, unknown> | undefined)?.to ?? '')
    const candidates = await transferCandidates(db, found.m.businessId, found.m.membershipId)
    if (!candidates.some((c) => c.id === to)) return transferPage(request, reply, found.m, undefined, formErrors([['to', t('access.errTransferTo')]]))
    return reply.redirect(`/${lang}/access/transfer/${to}`, 303)
  })

  /** The chosen user, who must be an active user of the acting primary user's business. */
  const transferTarget = async (request: FastifyRequest, reply: FastifyReply) => {
    const member = await memberOf(request)
    const found = await managerOf(request, reply, member)
    if (!found || !member) return undefined
    if (!canCreateBranch(found.m)) return notAllowed(request, reply)
    const candidates = await transferCandidates(db, found.m.businessId, found.m.membershipId)
    if (!candidates.some((c) => c.id === member.id)) throw new NotFoundError()
    return { ...found, member }
  }

  /** The confirmation: what happens to a branch the new primary user leads, and what the former primary user becomes. */
  const transferConfirmPage = async (request: FastifyRequest, reply: FastifyReply, found: NonNullable<Awaited<ReturnType<typeof transferTarget>>>, becomes?: string, errors?: FormErrors) => {
    const { t, lang } = request
    const back = `/${lang}/access/transfer${q(found.m)}`
    const name = `${found.member.given_name} ${found.member.family_name}`.trim()
    const [orphans, branches] = await Promise.all([branchesWithoutPrimary(db, found.m.businessId, found.member.id), listBranches(db, found.m.businessId)])
    const leaves = found.member.role === 'branch_primary' ? branches.find((b) => b.id === found.member.branch_id) : undefined
    return reply.page(
      {
        title: t('access.transferConfirmTitle'),
        errors,
        backLink: { href: back },
        body: transferConfirmBody(t, {
          name,
          business: found.m.businessName,
          leavesBranch: leaves?.name,
          branches: orphans,
          becomes,
          errors,
          action: `/${lang}/access/transfer/${found.member.id}`,
          cancelHref: back,
          csrf: reply.csrfToken(),
        }),
      },
      errors ? 400 : 200,
    )
  }

  scope.get('/access/transfer/:id', async (request, reply) => {
    const found = await transferTarget(request, reply)
    if (!found) return reply
    return transferConfirmPage(request, reply, found)
  })

  scope.post('/access/transfer/:id', async (request, reply) => {
    const found = await transferTarget(request, reply)
    if (!found) return reply
    const { t, lang } = request
    const raw = String((request.body as Record<string, unknown> | undefined)?.becomes ?? 'secondary')
    const orphans = await branchesWithoutPrimary(db, found.m.businessId, found.member.id)
    const becomesBranch = raw === 'secondary' ? null : orphans.find((b) => b.id === raw)
    if (becomesBranch === undefined) return transferConfirmPage(request, reply, found, undefined, formErrors([['becomes', t('access.errTransferBecomes')]]))
    const userName = `${found.user.given_name} ${found.user.family_name}`.trim() || found.user.username
    const done = await transferPrimary(deps, actorFrom(request, found.user), { ...found.m, userName }, found.member, clock.now(), becomesBranch?.id ?? null)
    if (!done) return reply.redirect(`/${lang}/access/transfer${q(found.m)}`, 303)
    return reply.redirect(`/${lang}/home?transferred=${found.m.businessId}`, 303)
  })

  // --- Join a business with a PIN -------------------------------------------------------------
  const joinPage = (request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors?: FormErrors, status?: number) => {
    const { t, lang } = request
    return reply.page(
      { title: t('access.joinTitle'), errors, breadcrumbs: [{ text: t('common.home'), href: `/${lang}/home` }], body: joinBody(t, lang, { values, errors, csrf: reply.csrfToken() }) },
      status ?? (errors ? 400 : 200),
    )
  }

  scope.get('/join', async (request, reply) => {
    if (!requireEmployer(request, reply)) return reply
    return joinPage(request, reply, {})
  })

  scope.post('/join', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const raw = (request.body ?? {}) as Record<string, unknown>
    // The PIN is never shown back, whatever happens.
    const values = typed(raw, ['givenNames', 'familyName'])
    const parsed = joinSchema.safeParse(raw)
    if (!parsed.success) return joinPage(request, reply, values, zodFormErrors(t, parsed.error, {}, JOIN_FIELDS))
    const result = await joinWithPin(deps, actorFrom(request, user), user, parsed.data, request.ip, clock.now())
    switch (result.kind) {
      case 'joined':
        // The person joined to act for this business: it becomes the one they act for (the header's choice).
        request.session.activeBusinessId = result.businessId
        return reply.redirect(`/${lang}/home?joined=${result.businessId}`, 303)
      case 'throttled':
        return joinPage(request, reply, values, formErrors([['pin', throttledMessage(request, result.waitMs)]]), 429)
      case 'invalid':
        return joinPage(request, reply, values, formErrors([['pin', t('access.errPinInvalid')]]))
      case 'locked':
        return joinPage(request, reply, values, formErrors([['pin', t('access.errPinLocked')]]))
      case 'already':
        return joinPage(request, reply, values, formErrors([['pin', t('access.errAlready', { business: result.businessName })]]))
      case 'names':
        return joinPage(
          request,
          reply,
          values,
          formErrors([
            ...(result.givenNames ? [] : ([['givenNames', t('access.errNameMismatchGiven')]] as const)),
            ...(result.familyName ? [] : ([['familyName', t('access.errNameMismatchFamily')]] as const)),
          ]),
        )
    }
  })

}
