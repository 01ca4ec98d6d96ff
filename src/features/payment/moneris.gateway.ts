import {
  centsToDollars,
  dollarsToCents,
  GatewayUnavailableError,
  type Checkout,
  type CheckoutOutcome,
  type ConfirmRequest,
  type PaymentGateway,
  type RefundOutcome,
  type RefundRequest,
  type StartCheckoutRequest,
} from './payment.gateway.ts'

/**
 * The Moneris Checkout adapter, written against Moneris's published Checkout API
 * (see docs/operations.md, "Payment gateway", for what was followed and assumed):
 * - preload: JSON POST to …/chktv2/request/request.php with action "preload" → a ticket;
 * - the hosted page is opened with that ticket;
 * - receipt: the same address with action "receipt" and the ticket → the outcome;
 * - refund: Moneris Checkout has no refund action; refunds go through the Moneris
 *   Gateway API's "refund" transaction (XML POST to …/gateway2/servlet/MpgRequest)
 *   with the purchase's order id and transaction number.
 */
export interface MonerisSettings {
  storeId: string
  apiToken: string
  checkoutId: string
  environment: 'qa' | 'prod'
  /** The Checkout request address (preload and receipt). */
  checkoutRequestUrl: string
  /**
   * The page that shows Moneris's hosted form: a portal page that loads Moneris's
   * script with the ticket (Moneris Checkout is embedded, not a redirect).
   * `{ticket}` and `{lang}` are replaced.
   */
  hostedPageUrl: string
  /** The Gateway API address (refunds). */
  gatewayRequestUrl: string
  timeoutMs?: number
}

export const MONERIS_URLS = {
  qa: {
    checkoutRequestUrl: 'https://gatewayt.moneris.com/chktv2/request/request.php',
    gatewayRequestUrl: 'https://esqa.moneris.com/gateway2/servlet/MpgRequest',
  },
  prod: {
    checkoutRequestUrl: 'https://gateway.moneris.com/chktv2/request/request.php',
    gatewayRequestUrl: 'https://www3.moneris.com/gateway2/servlet/MpgRequest',
  },
} as const

interface MonerisEnvelope {
  response?: {
    success?: string
    ticket?: string
    error?: unknown
    receipt?: {
      result?: string
      cc?: {
        result?: string
        order_no?: string
        transaction_no?: string
        transaction_date_time?: string
        amount?: string
        response_code?: string | null
        card_type?: string
        first6last4?: string
      }
    }
  }
}

const CARD_TYPES: Record<string, string> = {
  V: 'Visa',
  M: 'Mastercard',
  AX: 'American Express',
  NO: 'Discover',
  D: 'Interac Debit',
  C1: 'JCB',
  UP: 'UnionPay',
}

export class MonerisCheckoutGateway implements PaymentGateway {
  constructor(private readonly settings: MonerisSettings) {}

  private async post(url: string, body: string, contentType: string): Promise<string> {
    let res: Response
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': contentType, accept: contentType },
        body,
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 15_000),
      })
    } catch (err) {
      throw new GatewayUnavailableError('Moneris did not answer', { cause: err })
    }
    if (res.status >= 500 || res.status === 429) throw new GatewayUnavailableError(`Moneris answered ${res.status}`)
    const text = await res.text()
    if (!res.ok) throw new Error(`Moneris refused the request (${res.status})`)
    return text
  }

  private async checkoutRequest(body: Record<string, unknown>): Promise<MonerisEnvelope> {
    const { storeId, apiToken, checkoutId, environment } = this.settings
    const text = await this.post(
      this.settings.checkoutRequestUrl,
      JSON.stringify({ store_id: storeId, api_token: apiToken, checkout_id: checkoutId, environment, ...body }),
      'application/json',
    )
    try {
      return JSON.parse(text) as MonerisEnvelope
    } catch (err) {
      throw new GatewayUnavailableError('Moneris answered something other than JSON', { cause: err })
    }
  }

  async startCheckout(request: StartCheckoutRequest): Promise<Checkout> {
    // Moneris has no idempotency key: the order number is ours (the key) and Moneris
    // refuses to charge one order number twice. The payment service reuses the first
    // ticket it stored, so a repeated start does not preload again.
    const answer = await this.checkoutRequest({
      action: 'preload',
      txn_total: centsToDollars(request.amountCents),
      order_no: request.idempotencyKey,
      language: request.lang,
    })
    const ticket = answer.response?.success === 'true' ? answer.response.ticket : undefined
    if (!ticket) throw new Error(`Moneris preload refused: ${JSON.stringify(answer.response?.error ?? null)}`)
    return {
      checkoutRef: ticket,
      redirectUrl: this.settings.hostedPageUrl.replace('{ticket}', encodeURIComponent(ticket)).replace('{lang}', request.lang),
    }
  }

  async confirm(request: ConfirmRequest): Promise<CheckoutOutcome> {
    const answer = await this.checkoutRequest({ action: 'receipt', ticket: request.checkoutRef })
    const response = answer.response
    // "invalid ticket or transaction is not complete": nothing charged yet.
    if (response?.success !== 'true' || !response.receipt) return { status: 'open' }
    const receipt = response.receipt
    const cc = receipt.cc
    if (receipt.result === 'a' && cc?.transaction_no) {
      const code = Number(cc.response_code)
      if (!(code >= 0 && code < 50)) return { status: 'declined', reason: `response_code_${cc.response_code ?? 'null'}` }
      return {
        status: 'approved',
        transactionId: cc.transaction_no,
        orderRef: cc.order_no ?? '',
        amountCents: dollarsToCents(cc.amount ?? '0'),
        cardBrand: CARD_TYPES[cc.card_type ?? ''] ?? cc.card_type ?? 'Card',
        cardLast4: (cc.first6last4 ?? '').slice(-4),
        approvedAt: parseMonerisTime(cc.transaction_date_time),
      }
    }
    if (receipt.result === 'd') {
      return cc?.response_code == null || cc.response_code === 'null'
        ? { status: 'no_answer' }
        : { status: 'declined', reason: `response_code_${cc.response_code}` }
    }
    return { status: 'open' }
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    const { storeId, apiToken } = this.settings
    const xml =
      `<?xml version="1.0" encoding="UTF-8"?><request><store_id>${xmlText(storeId)}</store_id><api_token>${xmlText(apiToken)}</api_token>` +
      `<refund><order_id>${xmlText(request.orderRef)}</order_id><amount>${centsToDollars(request.amountCents)}</amount>` +
      `<txn_number>${xmlText(request.transactionId)}</txn_number><crypt_type>7</crypt_type><cust_id>${xmlText(request.idempotencyKey)}</cust_id></refund></request>`
    const text = await this.post(this.settings.gatewayRequestUrl, xml, 'text/xml')
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1]?.trim()
    if (field('TimedOut') === 'true') throw new GatewayUnavailableError('Moneris refund timed out')
    const code = Number(field('ResponseCode'))
    const txn = field('TransID') ?? field('TxnNumber')
    if (field('ResponseCode') !== undefined && field('ResponseCode') !== 'null' && code >= 0 && code < 50 && txn) {
      return { status: 'succeeded', refundId: txn }
    }
    return { status: 'failed', reason: field('Message') ?? 'refused' }
  }
}

/** Moneris's Checkout script, served from the same host as the Checkout requests (`/chkt/js/chkt_v1.00.js`). */
export function monerisScriptUrl(checkoutRequestUrl: string): string {
  return new URL('/chkt/js/chkt_v1.00.js', checkoutRequestUrl).href
}

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** "2024-09-10 02:30:14" (Eastern time, per Moneris) → an instant; assumption documented. */
function parseMonerisTime(s: string | undefined): Date {
  if (!s) return new Date(NaN)
  const d = new Date(`${s.replace(' ', 'T')}-05:00`)
  return d
}
