import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Db } from '../../db/connect.ts'
import type { SignedInUser } from '../../db/database.ts'
import type { Translate } from '../../i18n/i18n.ts'
import { audit, actorFrom } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, csrfField, notice, radios, textInput } from '../../ui/components.ts'
import { zodFormErrors, type FormErrors } from '../../ui/form-errors.ts'
import { requireEmployer, requireStaff } from '../auth/guards.ts'
import { fullName, updateContactDetails } from '../auth/users.repository.ts'
import { keepTypingOnContinue } from '../auth/session-lifecycle.ts'
import { activePrimaryUser } from '../access/access.repository.ts'
import { formatInZone } from '../../platform/dates.ts'
import { pluralKey } from '../../i18n/i18n.ts'
import { waitingCounts } from '../console/dashboard.service.ts'

declare module '@fastify/session' {
  interface FastifySessionObject {
    /** Contact details just saved: "saved" is said once, beside the form, on the page the save leads to. */
    contactSaved?: boolean
  }
}

const text = (max: number, required?: 'account.errGivenName' | 'account.errFamilyName') => {
  const base = z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().trim().max(max, 'account.errNameTooLong'))
  return required ? base.pipe(z.string().min(1, required)) : base
}

export const contactSchema = z.object({
  givenName: text(100, 'account.errGivenName'),
  middleName: text(100),
  familyName: text(100, 'account.errFamilyName'),
  preferredLanguage: z.enum(['en', 'fr'], { message: 'account.errLanguage' }),
})

function contactForm(t: Translate, lang: string, csrf: string, values: Record<string, string>, email: string, errors?: FormErrors, saved = false): Html {
  // The save comes back to #contact: its confirmation is here, in view, not at the top of the page.
  return html`<h2 id="contact">${t('account.contactTitle')}</h2>
${saved ? html`<section class="notice notice-success" id="contact-saved" role="status" aria-labelledby="contact-saved-title"><h3 class="notice-title" id="contact-saved-title">${t('account.saved')}</h3></section>` : ''}
<form method="post" action="/${lang}/home/contact" id="contact-form" novalidate>
${csrfField(csrf)}
${textInput({ t, name: 'givenName', label: t('account.givenName'), value: values.givenName, autocomplete: 'given-name', error: errors?.fields.givenName, required: true })}
${textInput({ t, name: 'middleName', label: t('account.middleName'), value: values.middleName, autocomplete: 'additional-name', error: errors?.fields.middleName })}
${textInput({ t, name: 'familyName', label: t('account.familyName'), value: values.familyName, autocomplete: 'family-name', error: errors?.fields.familyName, required: true })}
<p><strong>${t('account.contactEmailLabel')}</strong> ${email}</p>
${radios({ t, name: 'preferredLanguage', label: t('account.preferredLanguage'), value: values.preferredLanguage, inline: true, options: [{ value: 'en', text: t('account.english') }, { value: 'fr', text: t('account.french') }], error: errors?.fields.preferredLanguage })}
${button({ text: t('common.save') })}
</form>`
}

/**
 * The signed-in home page. Enrolment adds the business sections ("What would you
 * like to do today?", "Manage access") through `homeSections`.
 */
export function registerAccountRoutes(
  scope: FastifyInstance,
  deps: { db: Db; clock: Clock; timeZone: string; homeSections?: Array<(request: FastifyRequest) => Promise<Html | ''>> },
): void {
  const render = async (request: FastifyRequest, reply: FastifyReply, user: SignedInUser, values: Record<string, string>, errors?: FormErrors) => {
    const { t, lang } = request
    const q = request.query as Record<string, unknown>
    // Said once, right after the save (a refresh or a later visit does not say it again).
    const saved = request.session.contactSaved === true
    if (saved) request.session.contactSaved = undefined
    const sections = await Promise.all((deps.homeSections ?? []).map((s) => s(request)))
    // Without script, "Continue session" carries the contact form: what was typed comes back with the page.
    keepTypingOnContinue(request, { id: 'contact-form', action: `/${lang}/home/contact` })
    // After joining with a PIN (?joined=<business>): named only if it is one of this person's businesses.
    const joined = typeof q.joined === 'string' ? request.businessContext?.choices.find((c) => c.businessId === q.joined) : undefined
    // After transferring the primary role (?transferred=<business>): to whom, for a business this person still acts for.
    const transferredFrom = typeof q.transferred === 'string' ? request.businessContext?.choices.find((c) => c.businessId === q.transferred && c.role !== 'primary') : undefined
    const newPrimary = transferredFrom ? await activePrimaryUser(deps.db, transferredFrom.businessId) : undefined
    return reply.page(
      {
        title: t('account.homeTitle'),
        errors,
        body: html`<h1>${t('account.heading', { name: fullName(user) })}</h1>
${q.registered === '1' ? notice({ kind: 'success', title: t('account.welcomeRegistered') }) : ''}
${joined ? notice({ kind: 'success', title: t('account.joined', { business: joined.businessName }) }) : ''}
${transferredFrom && newPrimary ? notice({ kind: 'success', title: t('access.transferDone', { business: transferredFrom.businessName, name: fullName(newPrimary) }) }) : ''}
<p>${user.previous_sign_in_at ? t('account.lastSignIn', { date: formatInZone(lang, user.previous_sign_in_at, deps.timeZone, 'dateTime') }) : t('account.firstSignIn')}</p>
${sections}
${contactForm(t, lang, reply.csrfToken(), values, user.email ?? '', errors, saved && !errors)}
<h2>${t('account.security')}</h2>
<ul class="task-list">
<li><a href="/${lang}/account/password">${t('auth.changePasswordTitle')}</a></li>
<li><a href="/${lang}/account/email">${t('auth.changeEmailTitle')}</a></li>
<li>${user.totp_enabled_at ? html`<a href="/${lang}/account/two-factor">${t('auth.twoFactorManage')}</a>` : html`<a href="/${lang}/two-factor/setup">${t('auth.setUpTwoFactor')}</a>`}</li>
</ul>
<form method="post" action="/${lang}/sign-out-everywhere">${csrfField(reply.csrfToken())}
<p class="hint" id="sign-out-everywhere-hint">${t('account.signOutEverywhereHint')}</p>
${button({ text: t('account.signOutEverywhere'), variant: 'secondary' })}</form>`,
      },
      errors ? 400 : 200,
    )
  }

  scope.get('/home', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    return render(request, reply, user, {
      givenName: user.given_name,
      middleName: user.middle_name,
      familyName: user.family_name,
      preferredLanguage: user.preferred_language,
    })
  })

  scope.post('/home/contact', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const raw = (request.body ?? {}) as Record<string, unknown>
    const parsed = contactSchema.safeParse(raw)
    if (!parsed.success) {
      const values = Object.fromEntries(['givenName', 'middleName', 'familyName', 'preferredLanguage'].map((k) => [k, typeof raw[k] === 'string' ? (raw[k] as string) : '']))
      return render(request, reply, user, values, zodFormErrors(request.t, parsed.error, {}, ['givenName', 'middleName', 'familyName', 'preferredLanguage']))
    }
    const now = deps.clock.now()
    await deps.db.transaction().execute(async (trx) => {
      await updateContactDetails(trx, user.id, { ...parsed.data, email: user.email ?? '' }, now)
      await audit(trx, actorFrom(request, user), now, { action: 'account.contact_updated', objectType: 'user', objectId: user.id })
    })
    request.session.contactSaved = true
    return reply.redirect(`/${request.lang}/home#contact`, 303)
  })

  scope.get('/console', async (request, reply) => {
    const user = requireStaff(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const waiting = await waitingCounts(deps.db)
    // A queue's link, with how many requests wait in it.
    const queue = (path: string, text: string, count: number) =>
      html`<li><a href="/${lang}/console/${path}">${text}</a> (${t(pluralKey(lang, 'console.waiting', count), { count })})</li>`
    return reply.page({
      title: t('account.consoleTitle'),
      body: html`<h1>${t('account.consoleHeading')}</h1>
<p>${t('account.consoleLead', { name: fullName(user), role: user.role === 'administrator' ? t('account.roleAdministrator') : t('account.roleOfficer') })}</p>
<h2>${t('console.consoleMenu')}</h2>
<ul class="task-list">
<li><a href="/${lang}/console/search">${t('consoleWork.menu.search')}</a></li>
<li><a href="/${lang}/console/matching">${t('consoleWork.menu.matching')}</a></li>
<li><a href="/${lang}/console/dashboard">${t('consoleWork.menu.dashboard')}</a></li>
${queue('enrolments', t('enrolment.console.queueTitle'), waiting.enrolments)}
${queue('transfers', t('enrolment.transfer.consoleTitle'), waiting.transfers)}
${queue('pin-resets', t('access.pinReset.queueTitle'), waiting.pinResets)}
${queue('fee-exemptions', t('offers.feeReview.queueTitle'), waiting.feeExemptions)}
${queue('reactivations', t('access.reactivation.queueTitle'), waiting.reactivations)}
<li><a href="/${lang}/console/audit">${t('console.auditTitle')}</a></li>
${user.role === 'administrator' ? html`<li><a href="/${lang}/console/staff">${t('console.staffTitle')}</a></li>` : ''}
${user.role === 'administrator' ? html`<li><a href="/${lang}/console/admin">${t('consoleAdmin.menu.title')}</a></li>` : ''}
</ul>
<h2 id="your-account">${t('console.yourAccount')}</h2>
<ul class="task-list">
<li><a href="/${lang}/account/password">${t('auth.changePasswordTitle')}</a></li>
<li><a href="/${lang}/account/email">${t('auth.changeEmailTitle')}</a></li>
<li>${user.totp_enabled_at ? html`<a href="/${lang}/account/two-factor">${t('auth.twoFactorManage')}</a>` : html`<a href="/${lang}/two-factor/setup">${t('auth.setUpTwoFactor')}</a>`}</li>
</ul>`,
    })
  })
}
