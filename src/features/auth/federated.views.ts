import type { Translate } from '../../i18n/i18n.ts'
import { html, type Html } from '../../platform/html.ts'

/** "We couldn't sign you in with <provider>": the same page for every reason (nothing to enumerate). */
export function federatedFailedView(v: { t: Translate; lang: string; provider: string; unavailable: boolean }): Html {
  const { t } = v
  return html`<h1>${t('auth.federated.failedTitle', { provider: v.provider })}</h1>
<p>${v.unavailable ? t('auth.federated.unavailableBody', { provider: v.provider }) : t('auth.federated.failedBody', { provider: v.provider })}</p>
<p><a href="/${v.lang}/sign-in">${t('auth.federated.backToSignIn')}</a></p>`
}
