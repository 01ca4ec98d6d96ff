/**
 * The payment gateway port. The payment service talks to a gateway only through
 * this interface and never knows which implementation it holds: the embedded test
 * gateway (served by the portal itself) or the Moneris Checkout adapter.
 *
 * Every call carries an idempotency key; a gateway that receives the same key twice
 * answers with the first result instead of acting twice.
 */

export interface StartCheckoutRequest {
  /** Derived from the payment id: the same payment always sends the same key. */
  idempotencyKey: string
  amountCents: number
  currency: 'CAD'
  /** Where the hosted page sends the person back (a portal address). */
  returnUrl: string
  lang: 'en' | 'fr'
}

export interface Checkout {
  /** The gateway's own reference for the checkout (a ticket, an id). */
  checkoutRef: string
  /** The hosted card page the person is sent to. */
  redirectUrl: string
}

export type CheckoutOutcome =
  | {
      status: 'approved'
      transactionId: string
      /** The gateway's order reference, needed by some gateways to refund. */
      orderRef: string
      amountCents: number
      cardBrand: string
      cardLast4: string
      approvedAt: Date
    }
  | { status: 'declined'; reason: string }
  /** The gateway could not get an answer from the card network: nothing was charged. */
  | { status: 'no_answer' }
  | { status: 'cancelled' }
  /** Not completed yet: the person may still be on the hosted page. */
  | { status: 'open' }
  /** Not completed and can no longer be. */
  | { status: 'expired' }

export interface ConfirmRequest {
  checkoutRef: string
  idempotencyKey: string
}

export interface RefundRequest {
  /** The refund's own key (derived from the refund record's id). */
  idempotencyKey: string
  checkoutRef: string
  transactionId: string
  orderRef: string
  amountCents: number
}

export type RefundOutcome = { status: 'succeeded'; refundId: string } | { status: 'failed'; reason: string }

export interface PaymentGateway {
  startCheckout(request: StartCheckoutRequest): Promise<Checkout>
  /** Asks the gateway, server to server, how the checkout ended. Never trusts the browser. */
  confirm(request: ConfirmRequest): Promise<CheckoutOutcome>
  refund(request: RefundRequest): Promise<RefundOutcome>
}

/** The gateway did not answer (network error, timeout, 5xx): the outcome is unknown, ask again later. */
export class GatewayUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'GatewayUnavailableError'
  }
}

/** "230.00" from 23000: gateways that speak dollars get exactly two decimals. */
export function centsToDollars(cents: number): string {
  if (!Number.isInteger(cents) || cents < 0) throw new RangeError(`not an amount in cents: ${cents}`)
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`
}

/** 23000 from "230.00" (or "230"); throws on anything else. */
export function dollarsToCents(dollars: string): number {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(dollars.trim())
  if (!m) throw new RangeError(`not a dollar amount: ${dollars}`)
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'))
}
