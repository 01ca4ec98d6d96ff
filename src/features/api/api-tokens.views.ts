import type { Lang, Translate } from '../../i18n/i18n.ts'
import { formatInZone } from '../../platform/dates.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, checkboxes, csrfField, notice, select, textInput } from '../../ui/components.ts'
import type { FormErrors } from '../../ui/form-errors.ts'
import { EXPIRY_DAYS, SCOPES, scopesOf } from './api-tokens.service.ts'
import type { TokenListRow } from './api-tokens.repository.ts'

export interface TokenFormValues {
  name: string
  scopes: string[]
  days: string
  business: string
}

export function tokenStatus(t: Translate, token: TokenListRow, now: Date): string {
  if (token.revoked_at) return t('api.tokens.statusRevoked')
  if (token.expires_at.getTime() <= now.getTime()) return t('api.tokens.statusExpired')
  return t('api.tokens.statusActive')
}

export function tokensPage(
  c: { t: Translate; lang: Lang; csrf: string; timeZone: string; now: Date },
  data: { tokens: TokenListRow[]; businesses: Array<{ id: string; name: string }>; values: TokenFormValues; errors?: FormErrors; revoked: boolean },
): Html {
  const { t, lang } = c
  const when = (d: Date | null) => (d ? formatInZone(lang, d, c.timeZone, 'listed') : t('api.tokens.never'))
  return html`<h1>${t('api.tokens.title')}</h1>
${data.revoked ? notice({ kind: 'success', title: t('api.tokens.revokedNotice') }) : ''}
<p>${t('api.tokens.lead')}</p>
<p><a href="/${lang}/developers">${t('api.tokens.developersLink')}</a></p>
<h2>${t('api.tokens.listTitle')}</h2>
${
  data.tokens.length === 0
    ? html`<p>${t('api.tokens.none')}</p>`
    : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table"><caption class="visually-hidden">${t('api.tokens.listTitle')}</caption>
<thead><tr><th scope="col">${t('api.tokens.colName')}</th><th scope="col">${t('api.tokens.colToken')}</th><th scope="col">${t('api.tokens.colScopes')}</th><th scope="col">${t('api.tokens.colBusiness')}</th><th scope="col">${t('api.tokens.colCreated')}</th><th scope="col">${t('api.tokens.colLastUsed')}</th><th scope="col">${t('api.tokens.colExpires')}</th><th scope="col">${t('api.tokens.colStatus')}</th><th scope="col">${t('api.tokens.colAction')}</th></tr></thead>
<tbody>${data.tokens.map((tk) => {
        const active = !tk.revoked_at && tk.expires_at.getTime() > c.now.getTime()
        return html`<tr><td>${tk.name}</td><td><code>${tk.token_prefix}…</code></td><td>${scopesOf(tk).join(', ')}</td><td>${tk.business_name}</td><td>${when(tk.created_at)}</td><td>${when(tk.last_used_at)}</td><td>${when(tk.expires_at)}</td><td><span class="tag">${tokenStatus(t, tk, c.now)}</span></td><td>${
          active ? html`<a href="/${lang}/account/api-tokens/${tk.id}/revoke">${t('api.tokens.revoke')}<span class="visually-hidden"> ${tk.name}</span></a>` : ''
        }</td></tr>`
      })}</tbody></table></div>`
}
<h2>${t('api.tokens.createTitle')}</h2>
${
  data.businesses.length === 0
    ? html`<p>${t('api.tokens.noBusiness')}</p>`
    : html`<form method="post" action="/${lang}/account/api-tokens" novalidate>
${csrfField(c.csrf)}
${textInput({ t, name: 'name', label: t('api.tokens.name'), hint: t('api.tokens.nameHint'), value: data.values.name, error: data.errors?.fields.name, required: true, maxlength: 100, width: '20', autocomplete: 'off' })}
${checkboxes({ t, name: 'scopes', label: t('api.tokens.scopes'), values: data.values.scopes, error: data.errors?.fields.scopes, required: true, options: SCOPES.map((s) => ({ value: s, text: t(`api.tokens.scope_${s}`) })) })}
${select({ t, name: 'days', label: t('api.tokens.expiry'), value: data.values.days, error: data.errors?.fields.days, required: true, options: EXPIRY_DAYS.map((d) => ({ value: String(d), text: d === 365 ? t('api.tokens.expiryYear') : t('api.tokens.expiryDays', { days: d }) })) })}
${select({ t, name: 'business', label: t('api.tokens.business'), value: data.values.business, error: data.errors?.fields.business, required: true, options: data.businesses.map((b) => ({ value: b.id, text: b.name })) })}
${button({ text: t('api.tokens.create'), preventDoubleClick: true })}
</form>`
}`
}

export function createdPage(t: Translate, lang: Lang, token: TokenListRow, value: string | undefined): Html {
  return html`<h1>${t('api.tokens.createdTitle')}</h1>
${
  value
    ? html`${notice({ kind: 'warning', title: t('api.tokens.createdLead') })}
<div class="form-group"><label class="label" for="token-value">${t('api.tokens.createdLabel')} (${token.name})</label>
<input class="input" id="token-value" type="text" readonly value="${value}" spellcheck="false" autocomplete="off"></div>`
    : html`<p>${t('api.tokens.createdGone')}</p>`
}
<p><a href="/${lang}/account/api-tokens">${t('api.tokens.backToList')}</a></p>`
}

export function revokePage(t: Translate, lang: Lang, csrf: string, token: TokenListRow): Html {
  return html`<h1>${t('api.tokens.revokeTitle', { name: token.name })}</h1>
<p>${t('api.tokens.revokeLead')}</p>
<form method="post" action="/${lang}/account/api-tokens/${token.id}/revoke">${csrfField(csrf)}
<div class="button-group">${button({ text: t('api.tokens.revokeConfirm'), variant: 'danger', preventDoubleClick: true })} <a href="/${lang}/account/api-tokens">${t('api.tokens.cancel')}</a></div></form>`
}
