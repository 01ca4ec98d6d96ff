import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import type { SignedInUser } from '../../db/database.ts'
import type { Translate } from '../../i18n/i18n.ts'
import { actorFrom, audit } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, csrfField, linkButton, notice, radios, select, summaryList, textInput } from '../../ui/components.ts'
import { formErrors, zodFormErrors, type FormErrors } from '../../ui/form-errors.ts'
import { contactSchema } from '../account/account.routes.ts'
import { requireEmployer } from '../auth/guards.ts'
import { accessHomeLinks, joinHomeLink } from '../access/access.views.ts'
import { updateContactDetails } from '../auth/users.repository.ts'
import { provinceName, provinceOptions } from '../reference/lists.ts'
import { formatBusinessNumber, formatStoredPhone, normalizeNameForComparison } from '../reference/validators.ts'
import { addressStepSchema, businessStepSchema } from './enrolment.schema.ts'
import { createDraft, findDraft, latestRequest, latestRequestForHome, saveDraft } from './enrolment.repository.ts'
import { membershipChoices, type BusinessChoice } from '../access/active-business.ts'
import { dormantHomeSection } from '../access/dormancy.views.ts'
import { openReactivationRequest } from '../access/access.repository.ts'
import { enrolledConflict, isComplete, submitRequest, type Conflict } from './enrolment.service.ts'
import type { EnrolmentRequest } from './enrolment.tables.ts'
import { formatInZone } from '../../platform/dates.ts'

export interface EnrolmentDeps {
  db: Db
  clock: Clock
  timeZone: string
}

type Step = 'business' | 'address' | 'contact'
const STEPS: readonly Step[] = ['business', 'address', 'contact']
const STEP_TITLES = { business: 'enrolment.stepBusiness', address: 'enrolment.stepAddress', contact: 'enrolment.stepContact' } as const


/** What the step's form shows: the draft's values, or what was just typed. */
function stepValues(step: Step, r: EnrolmentRequest, user: SignedInUser, lang: 'en' | 'fr'): Record<string, string> {
  if (step === 'business')
    return {
      operatesInCanada: r.operates_in_canada === null ? '' : r.operates_in_canada ? 'yes' : 'no',
      businessNumber: formatBusinessNumber(r.business_number),
      legalName: r.legal_name ?? '',
      operatingName: r.operating_name ?? '',
    }
  if (step === 'address')
    return { street: r.street ?? '', city: r.city ?? '', province: r.province ?? '', postalCode: r.postal_code ?? '', phone: formatStoredPhone(r.phone, lang) }
  return { givenName: user.given_name, middleName: user.middle_name, familyName: user.family_name, preferredLanguage: user.preferred_language }
}

function stepFields(step: Step, t: Translate, lang: 'en' | 'fr', v: Record<string, string>, e?: FormErrors): Html {
  const err = (k: string) => e?.fields[k]
  if (step === 'business')
    return html`${radios({ t, name: 'operatesInCanada', label: t('enrolment.operatesInCanada'), value: v.operatesInCanada, inline: true, options: [{ value: 'yes', text: t('enrolment.yes') }, { value: 'no', text: t('enrolment.no') }], error: err('operatesInCanada'), required: true })}
${textInput({ t, name: 'businessNumber', label: t('enrolment.businessNumber'), hint: t('enrolment.businessNumberHint'), help: t('enrolment.businessNumberHelp'), value: v.businessNumber, inputmode: 'numeric', width: '10', spellcheck: false, error: err('businessNumber'), required: true })}
${textInput({ t, name: 'legalName', label: t('enrolment.legalName'), hint: t('enrolment.legalNameHint'), value: v.legalName, autocomplete: 'organization', error: err('legalName'), required: true })}
${textInput({ t, name: 'operatingName', label: t('enrolment.operatingName'), hint: t('enrolment.operatingNameHint'), value: v.operatingName, error: err('operatingName'), required: true })}`
  if (step === 'address')
    return html`${textInput({ t, name: 'street', label: t('enrolment.street'), value: v.street, autocomplete: 'street-address', error: err('street'), required: true })}
${textInput({ t, name: 'city', label: t('enrolment.city'), value: v.city, autocomplete: 'address-level2', error: err('city'), width: '20', required: true })}
${select({ t, name: 'province', label: t('enrolment.province'), value: v.province, placeholder: t('enrolment.selectProvince'), options: provinceOptions(lang), autocomplete: 'address-level1', error: err('province'), required: true })}
${textInput({ t, name: 'postalCode', label: t('enrolment.postalCode'), hint: t('enrolment.postalCodeHint'), value: v.postalCode, autocomplete: 'postal-code', width: '10', spellcheck: false, error: err('postalCode'), required: true })}
${textInput({ t, name: 'phone', label: t('enrolment.phone'), hint: t('enrolment.phoneHint'), value: v.phone, type: 'tel', autocomplete: 'tel', width: '20', error: err('phone'), required: true })}`
  return html`${textInput({ t, name: 'givenName', label: t('account.givenName'), value: v.givenName, autocomplete: 'given-name', error: err('givenName'), required: true })}
${textInput({ t, name: 'middleName', label: t('account.middleName'), value: v.middleName, autocomplete: 'additional-name', error: err('middleName') })}
${textInput({ t, name: 'familyName', label: t('account.familyName'), value: v.familyName, autocomplete: 'family-name', error: err('familyName'), required: true })}
${radios({ t, name: 'preferredLanguage', label: t('account.preferredLanguage'), value: v.preferredLanguage, inline: true, options: [{ value: 'en', text: t('account.english') }, { value: 'fr', text: t('account.french') }], error: err('preferredLanguage'), required: true })}`
}

const FIELD_ORDER: Record<Step, string[]> = {
  business: ['operatesInCanada', 'businessNumber', 'legalName', 'operatingName'],
  address: ['street', 'city', 'province', 'postalCode', 'phone'],
  contact: ['givenName', 'middleName', 'familyName', 'preferredLanguage'],
}

/** "Enrol your business": the primary user's request, saved at every step. */
export function registerEnrolmentRoutes(scope: FastifyInstance, deps: EnrolmentDeps): void {
  const { db, clock } = deps

  async function draftOrRedirect(request: FastifyRequest, reply: FastifyReply): Promise<{ user: SignedInUser; draft: EnrolmentRequest } | undefined> {
    const user = requireEmployer(request, reply)
    if (!user) return undefined
    const draft = await findDraft(db, user.id)
    if (!draft) {
      void reply.redirect(`/${request.lang}/enrol`, 303)
      return undefined
    }
    return { user, draft }
  }

  const stepPage = (request: FastifyRequest, reply: FastifyReply, step: Step, values: Record<string, string>, errors?: FormErrors) => {
    const { t, lang } = request
    const n = STEPS.indexOf(step)
    const back = n === 0 ? `/${lang}/enrol` : `/${lang}/enrol/${STEPS[n - 1]}`
    return reply.page(
      {
        title: `${t(STEP_TITLES[step])} - ${t('enrolment.startTitle')}`,
        errors,
        backLink: { href: back },
        body: html`<p class="hint">${t('enrolment.stepOf', { n: n + 1 })}</p>
<h1>${t(STEP_TITLES[step])}</h1>
<form method="post" action="/${lang}/enrol/${step}" novalidate>
${csrfField(reply.csrfToken())}
${stepFields(step, t, lang, values, errors)}
<div class="button-group">
${button({ text: t('enrolment.save'), name: 'then', value: 'next' })}
${button({ text: t('enrolment.saveLater'), name: 'then', value: 'later', variant: 'secondary' })}
</div>
</form>`,
      },
      errors ? 400 : 200,
    )
  }

  scope.get('/enrol', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const draft = await findDraft(db, user.id)
    const latest = await latestRequest(db, user.id)
    if (!draft && latest?.status === 'submitted') return reply.redirect(`/${lang}/home`, 303)
    return reply.page({
      title: t('enrolment.startTitle'),
      breadcrumbs: [{ text: t('common.home'), href: `/${lang}/home` }],
      body: html`<h1>${t('enrolment.startTitle')}</h1>
<p>${t('enrolment.startLead')}</p>
<p>${t('enrolment.startNeed')}</p>
<form method="post" action="/${lang}/enrol/start">${csrfField(reply.csrfToken())}${button({ text: draft ? t('enrolment.resumeButton') : t('enrolment.startButton'), variant: 'start' })}</form>
<p>${t('enrolment.joinInstead')}</p>`,
    })
  })

  scope.post('/enrol/start', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const draft = (await findDraft(db, user.id)) ?? (await createDraft(db, user.id, clock.now()))
    const next = STEPS.find((s) => s === 'business' && !draft.business_number) ?? (isComplete(draft) ? 'review' : !draft.street ? 'address' : 'business')
    return reply.redirect(`/${request.lang}/enrol/${next}`, 303)
  })

  for (const step of STEPS) {
    scope.get(`/enrol/${step}`, async (request, reply) => {
      const found = await draftOrRedirect(request, reply)
      if (!found) return reply
      return stepPage(request, reply, step, stepValues(step, found.draft, found.user, request.lang))
    })

    scope.post(`/enrol/${step}`, async (request, reply) => {
      const found = await draftOrRedirect(request, reply)
      if (!found) return reply
      const { t, lang } = request
      const raw = (request.body ?? {}) as Record<string, unknown>
      const typed = Object.fromEntries(FIELD_ORDER[step].map((k) => [k, typeof raw[k] === 'string' ? (raw[k] as string) : '']))
      const now = clock.now()
      const actor = actorFrom(request, found.user)
      if (step === 'business') {
        const parsed = businessStepSchema.safeParse(raw)
        if (!parsed.success) return stepPage(request, reply, step, typed, zodFormErrors(t, parsed.error, {}, FIELD_ORDER[step]))
        const key = normalizeNameForComparison(parsed.data.legalName)
        await saveDraft(db, found.draft.id, found.user.id, { operates_in_canada: true, business_number: parsed.data.businessNumber, legal_name: parsed.data.legalName, legal_name_key: key, operating_name: parsed.data.operatingName }, now)
        // Say at once when the business already has an account, and what to do.
        const conflict = await enrolledConflict(db, parsed.data.businessNumber, key)
        if (conflict) return reply.redirect(`/${lang}/enrol/already?reason=${conflict}`, 303)
      } else if (step === 'address') {
        const parsed = addressStepSchema.safeParse(raw)
        if (!parsed.success) return stepPage(request, reply, step, typed, zodFormErrors(t, parsed.error, {}, FIELD_ORDER[step]))
        const phone = parsed.data.phone.extension ? `${parsed.data.phone.number};ext=${parsed.data.phone.extension}` : parsed.data.phone.number
        await saveDraft(db, found.draft.id, found.user.id, { street: parsed.data.street, city: parsed.data.city, province: parsed.data.province, postal_code: parsed.data.postalCode, phone }, now)
      } else {
        const parsed = contactSchema.safeParse(raw)
        if (!parsed.success) return stepPage(request, reply, step, typed, zodFormErrors(t, parsed.error, {}, FIELD_ORDER[step]))
        await db.transaction().execute(async (trx) => {
          await updateContactDetails(trx, found.user.id, { ...parsed.data, email: found.user.email ?? '' }, now)
          await audit(trx, actor, now, { action: 'account.contact_updated', objectType: 'user', objectId: found.user.id })
        })
      }
      if (raw.then === 'later') return reply.redirect(`/${lang}/home`, 303)
      const n = STEPS.indexOf(step)
      return reply.redirect(`/${lang}/enrol/${STEPS[n + 1] ?? 'review'}`, 303)
    })
  }

  const reviewPage = (request: FastifyRequest, reply: FastifyReply, user: SignedInUser, r: EnrolmentRequest, errors?: FormErrors) => {
    const { t, lang } = request
    const change = (step: Step, hidden: string) => ({ href: `/${lang}/enrol/${step}`, text: t('enrolment.change'), hidden })
    return reply.page(
      {
        title: t('enrolment.stepReview'),
        errors,
        backLink: { href: `/${lang}/enrol/contact` },
        body: html`<h1>${t('enrolment.stepReview')}</h1>
<h2>${t('enrolment.stepBusiness')}</h2>
${summaryList([
  { key: t('enrolment.operatesInCanada'), value: r.operates_in_canada ? t('enrolment.yes') : '', action: change('business', t('enrolment.operatesInCanada')) },
  { key: t('enrolment.businessNumber'), value: formatBusinessNumber(r.business_number), action: change('business', t('enrolment.businessNumber')) },
  { key: t('enrolment.legalName'), value: r.legal_name, action: change('business', t('enrolment.legalName')) },
  { key: t('enrolment.operatingName'), value: r.operating_name, action: change('business', t('enrolment.operatingName')) },
])}
<h2>${t('enrolment.stepAddress')}</h2>
${summaryList([
  { key: t('enrolment.street'), value: r.street, action: change('address', t('enrolment.street')) },
  { key: t('enrolment.city'), value: r.city, action: change('address', t('enrolment.city')) },
  { key: t('enrolment.province'), value: r.province ? provinceName(r.province, lang) : '', action: change('address', t('enrolment.province')) },
  { key: t('enrolment.postalCode'), value: r.postal_code, action: change('address', t('enrolment.postalCode')) },
  { key: t('enrolment.phone'), value: formatStoredPhone(r.phone, lang), action: change('address', t('enrolment.phone')) },
])}
<h2>${t('enrolment.stepContact')}</h2>
${summaryList([
  { key: t('account.givenName'), value: user.given_name, action: change('contact', t('account.givenName')) },
  { key: t('account.familyName'), value: user.family_name, action: change('contact', t('account.familyName')) },
  { key: t('account.contactEmail'), value: user.email },
  { key: t('account.preferredLanguage'), value: user.preferred_language === 'fr' ? t('account.french') : t('account.english'), action: change('contact', t('account.preferredLanguage')) },
])}
<form method="post" action="/${lang}/enrol/submit">${csrfField(reply.csrfToken())}<input type="hidden" name="submit" id="submit" value="1">${button({ text: t('enrolment.submit'), preventDoubleClick: true })}</form>`,
      },
      errors ? 400 : 200,
    )
  }

  scope.get('/enrol/review', async (request, reply) => {
    const found = await draftOrRedirect(request, reply)
    if (!found) return reply
    return reviewPage(request, reply, found.user, found.draft)
  })

  scope.post('/enrol/submit', async (request, reply) => {
    const { t, lang } = request
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const draft = await findDraft(db, user.id)
    // A second press, or Back then Submit again: the request was already sent.
    if (!draft) return reply.redirect(`/${lang}/home`, 303)
    const result = await submitRequest(db, draft, actorFrom(request, user), clock.now())
    if (result.kind === 'incomplete') return reviewPage(request, reply, user, draft, formErrors([['submit', t('enrolment.incomplete')]]))
    if (result.kind === 'conflict') return reply.redirect(`/${lang}/enrol/already?reason=${result.conflict}`, 303)
    return reply.redirect(`/${lang}/home?enrolment=submitted`, 303)
  })

  scope.get('/enrol/already', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const reason = String((request.query as Record<string, unknown>).reason ?? '') as Conflict
    const draft = await findDraft(db, user.id)
    const bn = formatBusinessNumber(draft?.business_number ?? null)
    const what = reason === 'name' ? t('enrolment.alreadyName', { legalName: draft?.legal_name ?? '' }) : reason === 'pending' ? t('enrolment.alreadyPending', { businessNumber: bn }) : t('enrolment.alreadyNumber', { businessNumber: bn })
    return reply.page(
      {
        title: t('enrolment.alreadyTitle'),
        body: html`<h1>${t('enrolment.alreadyTitle')}</h1>
<p>${what}</p>
<h2>${t('enrolment.alreadyWhatToDo')}</h2>
<ul>
<li>${t('enrolment.alreadyAskPin')}</li>
<li>${t('enrolment.alreadyAskTransfer')} ${reason === 'pending' ? '' : html`<a href="/${lang}/enrol/transfer">${t('enrolment.transfer.title')}</a>`}</li>
<li>${t('enrolment.alreadyWrongNumber')}</li>
</ul>
<p>${linkButton({ text: t('enrolment.backToRequest'), href: `/${lang}/enrol/business` })}</p>`,
      },
      409,
    )
  })
}

/** One business the person belongs to, and their role in it, on the home page (named in its heading when they have several). */
function businessSummary(t: Translate, m: BusinessChoice, named = false): Html {
  const role = m.role === 'primary' ? t('enrolment.rolePrimary') : m.role === 'branch_primary' ? t('enrolment.roleBranchPrimary') : t('enrolment.roleSecondary')
  return html`<h2>${named ? t('enrolment.businessSectionNamed', { business: m.businessName }) : t('enrolment.businessSection')}</h2>
${summaryList([
  { key: t('enrolment.businessNumberLabel'), value: formatBusinessNumber(m.businessNumber) },
  { key: t('enrolment.employerNumber'), value: m.employerNumber },
  { key: t('enrolment.legalName'), value: m.businessName },
  { key: t('enrolment.operatingName'), value: m.operatingName },
])}
<p>${t('enrolment.yourRole', { role })}</p>`
}

/**
 * A request sent and waiting (just sent: "Your request was sent"), or refused with its reason and how to
 * apply again: drawn on the home page whether or not the person already acts for a business.
 */
function requestNotice(t: Translate, lang: 'en' | 'fr', timeZone: string, latest: EnrolmentRequest, justSent: boolean): Html | '' {
  if (latest.status === 'submitted') {
    return notice({
      kind: justSent ? 'success' : 'info',
      title: justSent ? t('enrolment.submittedTitle') : t('enrolment.pendingTitle'),
      body: html`<p>${t('enrolment.pendingBody', { legalName: latest.legal_name ?? '', businessNumber: formatBusinessNumber(latest.business_number), date: latest.submitted_at ? formatInZone(lang, latest.submitted_at, timeZone, 'date') : '' })}</p>`,
    })
  }
  if (latest.status === 'refused') {
    return notice({
      kind: 'danger',
      title: t('enrolment.refusedTitle'),
      body: html`<p>${t('enrolment.refusedBody', { reason: t(`enrolment.reasons.${latest.refusal_reason as 'other'}`) })}</p>${latest.decision_note ? html`<p>${t('enrolment.refusedNote', { note: latest.decision_note })}</p>` : ''}<p>${t('enrolment.applyAgain')}</p>`,
    })
  }
  return ''
}

/** The enrolment part of the signed-in home page. */
export function enrolmentHomeSection(deps: EnrolmentDeps) {
  return async (request: FastifyRequest): Promise<Html | ''> => {
    const user = request.user
    if (!user) return ''
    const { t, lang } = request
    // The memberships the request already read for the header (one query for both); by name, as the header lists them.
    const choices = request.businessContext?.choices ?? (await membershipChoices(deps.db, user.id))
    const memberships = [...choices].sort((a, b) => a.businessName.localeCompare(b.businessName, lang) || a.membershipId.localeCompare(b.membershipId))
    // A dormant person may act for no business: the notice, their businesses, and only what they can do.
    const context = request.businessContext
    if (context?.userDormant) {
      context.dormancyShown = true
      return html`${dormantHomeSection(t, lang, !!(await openReactivationRequest(deps.db, user.id)))}${memberships.map((m) => businessSummary(t, m, memberships.length > 1))}`
    }
    // The latest request: a statement of the home page's own, not a session companion (which every signed-in page would pay for).
    const latestOfAny = await latestRequestForHome(deps.db, user.id)
    const status = latestOfAny?.status
    const latest = status === 'submitted' || status === 'refused' ? latestOfAny : undefined
    const justSent = (request.query as Record<string, unknown>).enrolment === 'submitted'
    const state = latest ? requestNotice(t, lang, deps.timeZone, latest, justSent) : ''
    if (memberships.length > 0) {
      // Acting for a dormant business (the banner says so): no links to pages that would refuse; another business, if any, instead.
      const actingForDormant = context?.current?.dormant === true
      const others = memberships.some((m) => !m.dormant)
      // With several businesses, the tasks act for the one the header has chosen: said in their heading, with the way to another.
      const several = memberships.length > 1
      const current = context?.current ?? memberships[0]!
      // Another business to enrol (none while a request waits: one at a time), or the request being written.
      const enrolLink =
        status === 'submitted' ? '' : html`<li><a href="/${lang}/enrol">${status === 'draft' ? t('enrolment.resumeButton') : t('enrolment.enrolAnother')}</a></li>`
      return html`${state}${memberships.map((m) => businessSummary(t, m, several))}
<h2>${several ? t('enrolment.whatToDoFor', { business: current.businessName }) : t('enrolment.whatToDo')}</h2>
${several && !actingForDormant ? html`<p><a href="/${lang}/business/active">${t('access.switch.title')}</a></p>` : ''}
<ul class="task-list">
${actingForDormant ? '' : html`<li><a href="/${lang}/offers/eligibility">${t('enrolment.submitOffer')}</a></li>`}
${actingForDormant ? (others ? html`<li><a href="/${lang}/business/active">${t('access.dormant.chooseOther')}</a></li>` : '') : html`<li><a href="/${lang}/offers">${t('enrolment.offerQueue')}</a></li>`}
<li><a href="/${lang}/messages">${t('enrolment.accountMessages')}</a></li>
${actingForDormant ? '' : accessHomeLinks(t, lang, [{ role: current.role, business: { id: current.businessId } }])}
<li><a href="/${lang}/join">${t('access.joinLink')}</a></li>
${enrolLink}
</ul>`
    }
    // While the request waits, the person may already act for another business (a representative's PIN).
    if (status === 'submitted') return html`${state}
${joinHomeLink(t, lang)}`
    return html`${state}<h2>${t('enrolment.startTitle')}</h2>
<p>${t('enrolment.startLead')}</p>
<p>${linkButton({ text: status === 'draft' ? t('enrolment.resumeButton') : status === 'refused' ? t('enrolment.newRequest') : t('enrolment.startTitle'), href: `/${lang}/enrol`, variant: 'primary' })}</p>
${joinHomeLink(t, lang)}`
  }
}
