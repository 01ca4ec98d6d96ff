import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import { sql, type Expression } from 'kysely'
import { z } from 'zod'
import type { Db } from '../../db/connect.ts'
import type { SignedInUser } from '../../db/database.ts'
import { cachedRead } from '../../db/read-cache.ts'
import { actorFrom, audit, type DbOrTrx } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { HttpError } from '../../platform/errors.ts'
import { html, type Html } from '../../platform/html.ts'
import { isUuid } from '../../platform/ids.ts'
import { button, csrfField, notice, radios } from '../../ui/components.ts'
import { formErrors, type FormErrors } from '../../ui/form-errors.ts'
import { requireEmployer } from '../auth/guards.ts'
import { safeReturnTo, takeSessionCompanion } from '../auth/session-lifecycle.ts'
import type { SessionCompanion } from '../../platform/session-store.ts'
import type { MembershipRole } from '../enrolment/enrolment.tables.ts'
import { actingMembership, type ActingMembership } from './access.policy.ts'
import { dormantSinceSignIn, wakeBusinesses } from './dormancy.service.ts'
import { dormantBusinessBody, dormantUserBody } from './dormancy.views.ts'
import { activePrimaryUser, openReactivationRequest } from './access.repository.ts'
import { fullName } from '../auth/users.repository.ts'

declare module '@fastify/session' {
  interface FastifySessionObject {
    /** The business a person enrolled with several employers chose to act for (the header's switcher). */
    activeBusinessId?: string
  }
}

/** One business a person may act for, as the header lists it. */
export interface BusinessChoice {
  membershipId: string
  businessId: string
  businessName: string
  /** For the home page's summary of each business (read with the rest: one query for both). */
  businessNumber: string
  employerNumber: string
  operatingName: string
  role: MembershipRole
  branchId: string | null
  /** The business is dormant (its primary user is): no one may act for it until reactivated. */
  dormant: boolean
}

export interface BusinessContext {
  choices: BusinessChoice[]
  /** The business this request acts for: the one chosen in the header, else the default. */
  current?: BusinessChoice
  /** The signed-in person is dormant (2 years without signing in) and may not act. */
  userDormant: boolean
  /** This request was refused for dormancy (its page already says so: no banner). */
  refused?: boolean
  /** The page itself says the person is dormant (the home page): no banner repeating it. */
  dormancyShown?: boolean
}

declare module 'fastify' {
  interface FastifyRequest {
    /** A signed-in employer's businesses and the one acting for (set before every handler). */
    businessContext: BusinessContext | null
  }
}

/** The business this request acts for, as chosen in the header; undefined means "the default". */
export function activeBusinessOf(request: FastifyRequest): string | undefined {
  return request.session?.activeBusinessId
}

/**
 * The membership a request acts with: the business chosen in the header when the
 * person is still an active member of it, else their default one. Read fresh on every
 * request, so a removed link stops working at once.
 */
export async function currentMembership(db: DbOrTrx, request: FastifyRequest, userId: string): Promise<ActingMembership | undefined> {
  const chosen = activeBusinessOf(request)
  // The memberships this request already read before its handler (one query fewer); never inside a transaction, which reads its own.
  const context = request.businessContext
  if (context && request.user?.id === userId && !db.isTransaction) {
    const acting = context.choices.filter((c) => !c.dormant)
    const pick = (chosen ? acting.find((c) => c.businessId === chosen) : undefined) ?? acting[0]
    return pick && asActing(pick)
  }
  return (chosen ? await actingMembership(db, userId, chosen) : undefined) ?? (await actingMembership(db, userId))
}

function asActing(c: BusinessChoice): ActingMembership {
  return { membershipId: c.membershipId, businessId: c.businessId, businessName: c.businessName, role: c.role, branchId: c.branchId }
}

/** As `activeMembership` finds it, from memberships already read: an active one, of a business that is not dormant. */
export function actingFor(choices: readonly BusinessChoice[], businessId: string): ActingMembership | undefined {
  const c = choices.find((x) => x.businessId === businessId && !x.dormant)
  return c && asActing(c)
}

const ROLE_ORDER: Record<MembershipRole, number> = { primary: 0, branch_primary: 1, secondary: 2 }

/** Every active membership of the user, dormant businesses included, in the default order (primary roles first, then by name). */
export async function membershipChoices(db: DbOrTrx, userId: string): Promise<BusinessChoice[]> {
  return asChoices(await cachedRead(db, `memberships:${userId}`, () => membershipRows(db, userId)))
}

type MembershipRow = Omit<BusinessChoice, 'dormant'> & { status: string }

function asChoices(rows: readonly MembershipRow[]): BusinessChoice[] {
  return rows.map(({ status, ...r }) => ({ ...r, dormant: status === 'dormant' })).sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role])
}

function membershipRows(db: DbOrTrx, userId: string | Expression<string | null>) {
  return db
    .selectFrom('business_membership as m')
    .innerJoin('business as b', 'b.id', 'm.business_id')
    .select(['m.id as membershipId', 'm.business_id as businessId', 'b.legal_name as businessName', 'b.business_number as businessNumber', 'b.employer_number as employerNumber', 'b.operating_name as operatingName', 'm.role', 'm.branch_id as branchId', 'b.status'])
    .where('m.user_id', '=', userId)
    .where('m.status', '=', sql.lit('active'))
    .orderBy('b.legal_name')
    .orderBy('m.created_at')
}

/** The memberships, read with the session (one statement for both; JSON keeps the row order). */
export const membershipsWithSession: SessionCompanion = {
  name: 'memberships',
  select: (db, userId) => jsonArrayFrom(membershipRows(db, userId)),
}

/** The chosen business when still a member; else the first that is not dormant (as `actingMembership` picks); else the first. */
export function pickCurrent(choices: readonly BusinessChoice[], chosen: string | undefined): BusinessChoice | undefined {
  return choices.find((c) => c.businessId === chosen) ?? choices.find((c) => !c.dormant) ?? choices[0]
}

/** Pages a dormant person may still use: their account, messages, help, and asking for reactivation. */
const DORMANT_USER_ALLOWED = ['', '/home', '/help', '/about', '/sign-in', '/sign-out', '/sign-out-everywhere', '/signed-out', '/session', '/messages', '/account', '/two-factor', '/dormancy', '/business/active', '/reference', '/offers/eligibility', '/register', '/forgot-password', '/reset-password', '/verify-email']
/** A dormant business: its users may also join or ask for a PIN elsewhere, and enrol another business. */
const DORMANT_BUSINESS_ALLOWED = [...DORMANT_USER_ALLOWED, '/join', '/pin-reset', '/enrol']

function allowedPath(list: readonly string[], path: string): boolean {
  return list.some((p) => path === p || (p !== '' && path.startsWith(`${p}/`)))
}

/** The route's path without its language prefix, or undefined outside /en and /fr. */
function portalPath(request: FastifyRequest): string | undefined {
  const url = request.routeOptions?.url
  if (!url) return undefined
  const m = /^\/(en|fr)(?=\/|$)/.exec(url)
  return m ? url.slice(3) : undefined
}

/**
 * The app-wide part (register once, on the root): before every handler, a signed-in
 * employer's businesses and the one they act for; the dormancy gate (a dormant person,
 * or anyone acting for a dormant business, gets a page saying so instead of the page
 * asked for); and the header's "Acting for" line or switcher.
 */
export function registerBusinessContext(app: FastifyInstance, deps: { db: Db; clock: Clock }): void {
  app.decorateRequest('businessContext', null)
  app.addHook('preHandler', async (request, reply) => {
    const user = request.user
    const path = portalPath(request)
    if (!user || user.role !== 'employer' || path === undefined) return
    const userDormant = user.status === 'dormant' || (await dormantSinceSignIn(deps.db, user, deps.clock.now()))
    const readWithSession = takeSessionCompanion(request, membershipsWithSession.name) as MembershipRow[] | undefined
    let choices = readWithSession ? asChoices(readWithSession) : await membershipChoices(deps.db, user.id)
    // A dormant business whose primary user is no longer dormant (reactivated, or replaced by the department) wakes now, not at the next job.
    if (choices.some((c) => c.dormant) && (await wakeBusinesses(deps.db, deps.clock.now())) > 0) choices = await membershipChoices(deps.db, user.id)
    const context: BusinessContext = { choices, current: pickCurrent(choices, activeBusinessOf(request)), userDormant }
    request.businessContext = context
    if (userDormant && !allowedPath(DORMANT_USER_ALLOWED, path)) {
      context.refused = true
      const open = await openReactivationRequest(deps.db, user.id)
      return reply.page({ title: request.t('access.dormant.userTitle'), body: dormantUserBody(request.t, request.lang, !!open) }, 403)
    }
    if (!userDormant && context.current?.dormant && !allowedPath(DORMANT_BUSINESS_ALLOWED, path)) {
      context.refused = true
      const others = choices.some((c) => !c.dormant)
      const primary = await activePrimaryUser(deps.db, context.current.businessId)
      return reply.page({ title: request.t('access.dormant.businessTitle'), body: dormantBusinessBody(request.t, request.lang, context.current.businessName, primary && fullName(primary), others) }, 403)
    }
  })

  app.chromeContributors.push((request, reply) => {
    const context = request.businessContext
    if (!context) return undefined
    const { t, lang } = request
    const banners: Html[] = []
    if (!context.refused && !context.dormancyShown && context.userDormant) {
      banners.push(notice({ kind: 'warning', title: t('access.dormant.userTitle'), body: html`<p><a href="/${lang}/dormancy/reactivate">${t('access.dormant.requestLink')}</a></p>` }))
    } else if (!context.refused && context.current?.dormant) {
      banners.push(notice({ kind: 'warning', title: t('access.dormant.businessBanner', { business: context.current.businessName }) }))
    }
    return { account: businessSwitcher(request, reply.csrfToken(), context), banners }
  })
}

/** The header's part: which business is active, and (with several) a small form to switch. Works without JavaScript. */
function businessSwitcher(request: FastifyRequest, csrf: string, context: BusinessContext): Html | undefined {
  const { t, lang } = request
  const { choices, current } = context
  if (!current) return undefined
  const label = (c: BusinessChoice) => (c.dormant ? t('access.switch.dormantOption', { business: c.businessName }) : c.businessName)
  if (choices.length === 1) return html`<p class="active-business">${t('access.switch.actingFor')} <strong>${label(current)}</strong></p>`
  const byName = [...choices].sort((a, b) => a.businessName.localeCompare(b.businessName, lang))
  return html`<form class="business-switch" method="post" action="/${lang}/business/active">${csrfField(csrf)}<input type="hidden" name="returnTo" value="${safeReturnTo(request.url) ?? ''}">
<label for="header-business">${t('access.switch.actingFor')}</label>
<select id="header-business" name="business">${byName.map((c) => html`<option value="${c.businessId}"${c.businessId === current.businessId ? html` selected` : ''}>${label(c)}</option>`)}</select>
<button class="button-link" type="submit">${t('access.switch.button')}</button></form>`
}

/**
 * A signed-in person asks for an object (an offer, a user, a PIN) of a business whose membership they had and
 * lost (its primary user removed them): "You no longer have access to <business>" (403), not the 404 a stranger
 * gets (they knew the business; what they typed is not kept, and they are told why). Returns when they never
 * were a member, for the caller's own answer.
 */
export async function refuseFormerMember(db: DbOrTrx, request: FastifyRequest, userId: string, businessId: string): Promise<void> {
  if (!isUuid(businessId)) return
  const former = await db
    .selectFrom('business_membership as m')
    .innerJoin('business as b', 'b.id', 'm.business_id')
    .select('b.legal_name')
    .where('m.user_id', '=', userId)
    .where('m.business_id', '=', businessId)
    .where('m.status', '=', 'removed')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('business_membership as a').select('a.id').where('a.user_id', '=', userId).where('a.business_id', '=', businessId).where('a.status', '=', sql.lit('active')))))
    .executeTakeFirst()
  if (!former) return
  // Only a form sent (a POST) had anything to lose: a page merely opened is not told that "what it sent" was lost.
  throw new HttpError(403, 'access.gone.title', request.method === 'GET' || request.method === 'HEAD' ? 'access.gone.body' : 'access.gone.bodyPosted', { text: request.t('access.gone.named', { business: former.legal_name }) })
}

/**
 * A page about one object of a business (an offer) says in its header that it acts for that business, even when
 * the header's choice is another (a second tab, a link from a message): the page names its employer.
 */
export function showActingFor(request: FastifyRequest, businessId: string): void {
  const context = request.businessContext
  const choice = context?.choices.find((c) => c.businessId === businessId)
  if (context && choice) context.current = choice
}

/** The business an object page of ours belongs to (undefined: not such a page; null: no such object now). */
async function objectBusiness(db: DbOrTrx, segments: readonly string[]): Promise<string | null | undefined> {
  const [area, kind, id] = segments
  const one = async (q: Promise<{ business_id: string | null } | undefined>) => (await q)?.business_id ?? null
  if (area === 'offers' && kind && isUuid(kind)) return one(db.selectFrom('offer').select('business_id').where('id', '=', kind).executeTakeFirst())
  if (area !== 'access' || !id || !isUuid(id)) return undefined
  if (kind === 'pins') return one(db.selectFrom('access_pin').select('business_id').where('id', '=', id).executeTakeFirst())
  if (kind === 'members' || kind === 'transfer') return one(db.selectFrom('business_membership').select('business_id').where('id', '=', id).executeTakeFirst())
  if (kind === 'pin-resets') return one(db.selectFrom('pin_reset_request').select('business_id').where('id', '=', id).executeTakeFirst())
  return undefined
}

/**
 * Where a switch leads: back to the same page, unless it is an object of another business (an offer, a user, a
 * PIN of the business left), which would then open under the new one: the same kind of list of the new business
 * instead (its offers; its Manage access, for someone who manages it), else its home page.
 */
async function afterSwitch(db: DbOrTrx, back: string | undefined, chosen: BusinessChoice, lang: string): Promise<string> {
  const home = `/${lang}/home`
  if (!back || back.includes('/business/active')) return home
  const segments = new URL(back, 'http://portal.invalid').pathname.split('/').slice(2)
  const manages = chosen.role === 'primary' || (chosen.role === 'branch_primary' && chosen.branchId !== null)
  if (segments[0] === 'access' && !manages) return home
  const owner = await objectBusiness(db, segments)
  if (owner === undefined || owner === chosen.businessId) return back
  return segments[0] === 'offers' ? `/${lang}/offers` : `/${lang}/access`
}

/** The page to go back to, without a `?business=` that would act for the old business again. */
function withoutBusinessParam(path: string | undefined): string | undefined {
  if (!path || !path.includes('business=')) return path
  const url = new URL(path, 'http://portal.invalid')
  url.searchParams.delete('business')
  return `${url.pathname}${url.search}`
}

const switchSchema = z.object({
  business: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().refine(isUuid, 'access.switch.errChoose')),
  returnTo: z.unknown().optional(),
})

/** The switch itself: POST from the header (or the fallback page), then back to a page of ours. */
export function registerBusinessSwitchRoutes(scope: FastifyInstance, deps: { db: Db; clock: Clock }): void {
  const page = async (request: FastifyRequest, reply: FastifyReply, user: SignedInUser, errors?: FormErrors) => {
    const { t, lang } = request
    const choices = request.businessContext?.choices ?? (await membershipChoices(deps.db, user.id))
    const current = pickCurrent(choices, activeBusinessOf(request))
    return reply.page(
      {
        title: t('access.switch.title'),
        errors,
        breadcrumbs: [{ text: t('common.home'), href: `/${lang}/home` }],
        body: html`<h1>${t('access.switch.title')}</h1>
${
  choices.length === 0
    ? html`<p>${t('access.switch.none')}</p><p><a href="/${lang}/join">${t('access.joinLink')}</a></p>`
    : html`<p>${t('access.switch.lead')}</p>
<form method="post" action="/${lang}/business/active" novalidate>${csrfField(reply.csrfToken())}
${radios({ t, name: 'business', label: t('access.switch.field'), value: current?.businessId, options: [...choices].sort((a, b) => a.businessName.localeCompare(b.businessName, lang)).map((c) => ({ value: c.businessId, text: c.dormant ? t('access.switch.dormantOption', { business: c.businessName }) : c.businessName })), error: errors?.fields.business })}
${button({ text: t('access.switch.submit') })}
</form>`
}`,
      },
      errors ? 400 : 200,
    )
  }

  scope.get('/business/active', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    return page(request, reply, user)
  })

  scope.post('/business/active', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const parsed = switchSchema.safeParse(request.body ?? {})
    const choices = await membershipChoices(deps.db, user.id)
    const chosen = parsed.success ? choices.find((c) => c.businessId === parsed.data.business) : undefined
    // Not one of theirs (or never was): the same "choose" error, whether the business exists or not.
    if (!chosen) return page(request, reply, user, formErrors([['business', t('access.switch.errChoose')]]))
    if (request.session.activeBusinessId !== chosen.businessId) {
      request.session.activeBusinessId = chosen.businessId
      await audit(deps.db, actorFrom(request, user), deps.clock.now(), { action: 'access.business_switched', businessId: chosen.businessId, objectType: 'business_membership', objectId: chosen.membershipId })
    }
    const back = withoutBusinessParam(safeReturnTo((request.body as Record<string, unknown> | undefined)?.returnTo))
    return reply.redirect(await afterSwitch(deps.db, back, chosen, lang), 303)
  })
}
