import type { FastifyReply } from 'fastify'
import type { Lang, Translate } from '../../i18n/i18n.ts'
import { html, raw, type Html } from '../../platform/html.ts'
import type { MonerisPage } from './payment.gateways.ts'
import type { Payment } from './payment.tables.ts'
import { formatMoney } from '../reference/validators.ts'

/**
 * Moneris Checkout is embedded: a page of ours loads Moneris's script, which draws its
 * card form (in its own frame) for the ticket. When Moneris says the payment is complete
 * or cancelled, the page goes to the portal's return address, which asks Moneris for the
 * receipt server to server. The inline script is a constant; the ticket and the return
 * address travel in data attributes, escaped like any other value.
 */
const BOOT = `(function () {
  var el = document.getElementById('monerisCheckout');
  var back = function () { window.location.assign(el.getAttribute('data-return')); };
  var c = new monerisCheckout();
  c.setMode(el.getAttribute('data-mode'));
  c.setCheckoutDiv('monerisCheckout');
  c.setCallback('page_loaded', function () {});
  c.setCallback('payment_receipt', function () {});
  c.setCallback('payment_complete', back);
  c.setCallback('cancel_transaction', back);
  c.setCallback('error_event', back);
  c.startCheckout(el.getAttribute('data-ticket'));
})();`

export function monerisCheckoutBody(p: { t: Translate; lang: Lang; payment: Payment; returnUrl: string; settings: MonerisPage; nonce: string }): Html {
  const { t } = p
  return html`<h1>${t('payment.monerisTitle')}</h1>
<p class="lead"><strong>${t('payment.amountColon')}</strong> ${formatMoney(p.payment.amount_cents, p.lang)}</p>
<p>${t('payment.monerisIntro')}</p>
<noscript><p class="notice notice-warning">${t('payment.monerisNoScript')}</p></noscript>
<div id="monerisCheckout" data-ticket="${p.payment.checkout_ref ?? ''}" data-return="${p.returnUrl}" data-mode="${p.settings.mode}"></div>
<p><a href="${p.returnUrl}">${t('payment.backToPortal')}</a></p>
<script src="${p.settings.scriptUrl}" nonce="${p.nonce}"></script>
<script nonce="${p.nonce}">${raw(BOOT)}</script>`
}

/** Lets this one page load Moneris's script and frame; every other page keeps the strict policy. */
export function allowMoneris(reply: FastifyReply, scriptUrl: string): void {
  const origin = new URL(scriptUrl).origin
  const current = String(reply.getHeader('content-security-policy') ?? '')
  const directives = current
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean)
    .filter((d) => !d.startsWith('frame-src'))
    .map((d) => (d.startsWith('script-src ') || d.startsWith('connect-src ') ? `${d} ${origin}` : d))
  directives.push(`frame-src ${origin}`)
  reply.header('content-security-policy', directives.join('; '))
}
