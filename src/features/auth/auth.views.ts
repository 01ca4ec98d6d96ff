import type { Translate } from '../../i18n/i18n.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, csrfField, textInput } from '../../ui/components.ts'
import type { FormErrors } from '../../ui/form-errors.ts'

interface FormView {
  t: Translate
  lang: string
  csrf: string
  errors?: FormErrors
}

export function signInView(
  v: FormView & {
    action: string
    console: boolean
    username?: string
    returnTo?: string
    notice?: Html | ''
    /** Federated sign-in providers (portal only), names in the page's language. */
    providers?: ReadonlyArray<{ id: string; name: string }>
  },
): Html {
  const { t } = v
  const federated =
    !v.console && v.providers && v.providers.length > 0
      ? html`<h2>${t('auth.federated.heading')}</h2>
<p>${t('auth.federated.lead')}</p>
${v.providers.map(
  (p) => html`<form method="post" action="/${v.lang}/sign-in/federated/${p.id}" class="federated-sign-in">
${csrfField(v.csrf)}
<input type="hidden" name="returnTo" value="${v.returnTo ?? ''}">
${button({ text: t('auth.federated.signInWith', { provider: p.name }), variant: 'secondary', preventDoubleClick: true })}
</form>`,
)}`
      : ''
  return html`<h1>${v.console ? t('auth.consoleSignInTitle') : t('auth.signInTitle')}</h1>
${v.notice ?? ''}
<p>${v.console ? t('auth.consoleSignInLead') : t('auth.signInLead')}</p>
<form method="post" action="${v.action}" novalidate>
${csrfField(v.csrf)}
<input type="hidden" name="returnTo" value="${v.returnTo ?? ''}">
${textInput({ t, name: 'username', label: t('auth.username'), value: v.username, autocomplete: 'username', spellcheck: false, error: v.errors?.fields.username, width: '20' })}
${textInput({ t, name: 'password', label: t('auth.password'), type: 'password', autocomplete: 'current-password', error: v.errors?.fields.password, width: '20' })}
${button({ text: t('auth.signInButton'), preventDoubleClick: true })}
</form>
${federated}
${
  v.console
    ? ''
    : html`<p><a href="/${v.lang}/forgot-password">${t('auth.forgotPassword')}</a></p>
<p><a href="/${v.lang}/forgot-username">${t('auth.forgotUsername')}</a></p>
<h2>${t('auth.noAccount')}</h2>
<p><a href="/${v.lang}/register">${t('auth.registerLink')}</a></p>`
}`
}

export function registerView(v: FormView & { values: { username?: string; email?: string } }): Html {
  const { t } = v
  return html`<h1>${t('auth.registerTitle')}</h1>
<p>${t('auth.registerLead')}</p>
<form method="post" action="/${v.lang}/register" novalidate>
${csrfField(v.csrf)}
${textInput({ t, name: 'username', label: t('auth.username'), hint: t('auth.usernameHint'), value: v.values.username, autocomplete: 'username', spellcheck: false, error: v.errors?.fields.username, width: '20' })}
${textInput({ t, name: 'email', label: t('auth.email'), hint: t('auth.emailHint'), type: 'email', value: v.values.email, autocomplete: 'email', spellcheck: false, error: v.errors?.fields.email })}
${textInput({ t, name: 'password', label: t('auth.password'), hint: t('auth.passwordHint'), type: 'password', autocomplete: 'new-password', error: v.errors?.fields.password, width: '20' })}
${textInput({ t, name: 'confirmPassword', label: t('auth.confirmPassword'), type: 'password', autocomplete: 'new-password', error: v.errors?.fields.confirmPassword, width: '20' })}
${button({ text: t('auth.registerButton'), preventDoubleClick: true })}
</form>`
}

export function codeView(v: FormView & { action: string }): Html {
  const { t } = v
  // A text keyboard: recovery codes (k7mq-2xtd-9pwa) have letters, which a number pad cannot type.
  return html`<h1>${t('auth.secondFactorTitle')}</h1>
<p>${t('auth.secondFactorLead')}</p>
<form method="post" action="${v.action}" novalidate>
${csrfField(v.csrf)}
${textInput({ t, name: 'code', label: t('auth.code'), hint: t('auth.codeHint'), autocomplete: 'one-time-code', inputmode: 'text', spellcheck: false, error: v.errors?.fields.code, width: '10' })}
${button({ text: t('auth.verify'), preventDoubleClick: true })}
</form>
<h2>${t('auth.lostBothTitle')}</h2>
<p>${t('auth.lostBothBody')}</p>
<p><a href="/${v.lang}/help">${t('auth.lostBothHelp')}</a></p>
<form method="post" action="/${v.lang}/sign-out">${csrfField(v.csrf)}<button class="button-link" type="submit">${t('auth.cancelSignIn')}</button></form>`
}

export function totpSetupView(
  v: FormView & {
    action: string
    qr: string
    key: string
    required: boolean
    /** A new app for one that works: said so (the current one keeps working until this is done). */
    replacing?: boolean
    /** Mid-sign-in: the way back to the sign-in page (a sign-out form). */
    cancelSignIn?: boolean
  },
): Html {
  const { t } = v
  return html`<h1>${v.replacing ? t('auth.setupNewTotpTitle') : t('auth.setupTotpTitle')}</h1>
<p>${v.replacing ? t('auth.setupNewTotpLead') : v.required ? t('auth.setupTotpLead') : t('auth.setupTotpEmployerLead')}</p>
<p><img src="${v.qr}" alt="${t('auth.qrAlt')}" width="220" height="220"></p>
<p>${t('auth.totpKey')} <code class="totp-key">${v.key}</code></p>
<form method="post" action="${v.action}" novalidate>
${csrfField(v.csrf)}
${textInput({ t, name: 'code', label: t('auth.code'), autocomplete: 'one-time-code', inputmode: 'numeric', spellcheck: false, error: v.errors?.fields.code, width: '10' })}
${button({ text: t('auth.verify'), preventDoubleClick: true })}
</form>
${v.cancelSignIn ? html`<form method="post" action="/${v.lang}/sign-out">${csrfField(v.csrf)}<button class="button-link" type="submit">${t('auth.cancelSignIn')}</button></form>` : ''}`
}

export function recoveryCodesView(v: FormView & { codes: string[]; action: string }): Html {
  const { t } = v
  return html`<h1>${t('auth.recoveryCodesTitle')}</h1>
<p>${t('auth.recoveryCodesBody')}</p>
<ul class="recovery-codes">${v.codes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
<form method="post" action="${v.action}">${csrfField(v.csrf)}${button({ text: t('auth.recoveryCodesDone') })}</form>`
}

export function wrongAudienceView(t: Translate, lang: string, signedInRoleIsEmployer: boolean): Html {
  return html`<h1>${t('auth.wrongAudienceTitle')}</h1>
<p>${signedInRoleIsEmployer ? t('auth.wrongAudienceEmployer') : t('auth.wrongAudienceOfficer')}</p>
<p><a href="${signedInRoleIsEmployer ? `/${lang}/sign-in` : `/${lang}/console/sign-in`}">${
    signedInRoleIsEmployer ? t('auth.goToPortal') : t('auth.goToConsole')
  }</a></p>`
}
