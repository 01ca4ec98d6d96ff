import type { Lang, Translate } from '../../i18n/i18n.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, csrfField, linkButton, textInput } from '../../ui/components.ts'
import type { FormErrors } from '../../ui/form-errors.ts'
import type { TestGatewayCheckout } from './payment.tables.ts'
import { TEST_CARDS, type TestCardOutcome } from './test-gateway.cards.ts'
import { formatMoney } from '../reference/validators.ts'

/** The hosted test pages look like the portal but say loudly that they are a test site. */
export function testBanner(t: Translate): Html {
  return html`<section class="notice notice-warning test-gateway-banner" aria-labelledby="test-gateway-banner-title">
<h2 class="notice-title" id="test-gateway-banner-title">${t('testGateway.banner')}</h2>
<div class="notice-body"><p>${t('testGateway.bannerBody')}</p></div>
</section>`
}

function outcomeText(t: Translate, o: TestCardOutcome): string {
  return o === 'approved' ? t('testGateway.outcomeApproved') : o === 'declined' ? t('testGateway.outcomeDeclined') : t('testGateway.outcomeNoAnswer')
}

export function testCardsTable(t: Translate): Html {
  return html`<h2 id="test-cards">${t('testGateway.testCardsTitle')}</h2>
<p>${t('testGateway.testCardsIntro')}</p>
<table class="table">
<thead><tr><th scope="col">${t('testGateway.testCardNumber')}</th><th scope="col">${t('testGateway.testCardResult')}</th></tr></thead>
<tbody>
${TEST_CARDS.map(
  (c) => html`<tr><td><code>${c.number.replace(/(\d{4})(?=\d)/g, '$1 ')}</code> (${c.brand})</td><td>${outcomeText(t, c.outcome)}</td></tr>`,
)}
</tbody>
</table>
<p>${t('testGateway.noCardStored')}</p>`
}

export interface CardFormValues {
  cardNumber?: string
  expiry?: string
  securityCode?: string
  cardholderName?: string
}

export function cardForm(p: {
  t: Translate
  lang: Lang
  checkout: TestGatewayCheckout
  action: string
  csrfToken: string
  values: CardFormValues
  errors?: FormErrors
}): Html {
  const { t } = p
  const amount = formatMoney(p.checkout.amount_cents, p.lang)
  const err = (name: string) => p.errors?.fields[name]
  return html`${testBanner(t)}
<h1>${t('testGateway.title')}</h1>
<p>${t('testGateway.merchant')}</p>
<p class="lead"><strong>${t('testGateway.amountLabelColon')}</strong> ${amount}</p>
<form method="post" action="${p.action}" novalidate>
${csrfField(p.csrfToken)}
${textInput({ t, name: 'cardNumber', label: t('testGateway.cardNumber'), hint: t('testGateway.cardNumberHint'), value: p.values.cardNumber, autocomplete: 'cc-number', inputmode: 'numeric', width: '20', spellcheck: false, required: true, error: err('cardNumber') })}
${textInput({ t, name: 'expiry', label: t('testGateway.expiry'), hint: t('testGateway.expiryHint'), value: p.values.expiry, autocomplete: 'cc-exp', inputmode: 'numeric', width: '5', required: true, error: err('expiry') })}
${textInput({ t, name: 'securityCode', label: t('testGateway.securityCode'), hint: t('testGateway.securityCodeHint'), autocomplete: 'cc-csc', inputmode: 'numeric', width: '4', required: true, error: err('securityCode') })}
${textInput({ t, name: 'cardholderName', label: t('testGateway.cardholderName'), value: p.values.cardholderName, autocomplete: 'cc-name', spellcheck: false, required: true, error: err('cardholderName') })}
<div class="button-group">
${button({ text: t('testGateway.pay', { amount }), name: 'action', value: 'pay', preventDoubleClick: true })}
${button({ text: t('testGateway.cancel'), name: 'action', value: 'cancel', variant: 'secondary' })}
</div>
</form>
${testCardsTable(t)}`
}

export function closedPage(t: Translate, kind: 'expired' | 'finished', returnUrl: string, minutes: number): Html {
  const title = kind === 'expired' ? t('testGateway.expiredTitle') : t('testGateway.finishedTitle')
  return html`${testBanner(t)}
<h1>${title}</h1>
<p>${kind === 'expired' ? t('testGateway.expiredBody', { minutes }) : t('testGateway.finishedBody')}</p>
<p>${linkButton({ text: t('testGateway.returnToPortal'), href: returnUrl, variant: 'primary' })}</p>`
}
