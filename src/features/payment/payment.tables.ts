import type { Selectable } from 'kysely'
import type { Timestamp } from '../../db/database.ts'

export type PaymentStatus = 'pending' | 'approved' | 'declined' | 'failed' | 'cancelled' | 'expired' | 'refunded'
export type GatewayName = 'embedded' | 'moneris'

export interface PaymentTable {
  id: string
  purpose_type: string
  purpose_id: string
  business_id: string | null
  created_by_user_id: string | null
  amount_cents: number
  currency: string
  gateway: GatewayName
  status: PaymentStatus
  idempotency_key: string
  checkout_ref: string | null
  redirect_url: string | null
  continue_path: string | null
  lang: 'en' | 'fr'
  failure_reason: string | null
  receipt_number: string | null
  approved_at: Timestamp | null
  card_brand: string | null
  card_last4: string | null
  gateway_transaction_id: string | null
  gateway_order_ref: string | null
  created_at: Timestamp
  updated_at: Timestamp
}
export type Payment = Selectable<PaymentTable>

export interface PaymentRefundTable {
  id: string
  payment_id: string
  amount_cents: number
  status: 'pending' | 'succeeded' | 'failed'
  idempotency_key: string
  /** Why (a RefundReason's code; an older release wrote free text here). */
  reason: string | null
  /** What the person who caused the refund wrote (a withdrawal's reason), in their words. */
  reason_detail: string | null
  requested_by_user_id: string | null
  gateway_refund_id: string | null
  failure_reason: string | null
  created_at: Timestamp
  completed_at: Timestamp | null
}
export type PaymentRefund = Selectable<PaymentRefundTable>

/** The embedded test gateway's own state ("another site"): no card number, only brand and last four. */
export interface TestGatewayCheckoutTable {
  id: string
  idempotency_key: string
  amount_cents: number
  currency: string
  order_ref: string
  return_url: string
  lang: 'en' | 'fr'
  status: 'open' | 'approved' | 'declined' | 'no_answer' | 'cancelled'
  card_brand: string | null
  card_last4: string | null
  transaction_id: string | null
  created_at: Timestamp
  expires_at: Timestamp
  completed_at: Timestamp | null
}
export type TestGatewayCheckout = Selectable<TestGatewayCheckoutTable>

export interface TestGatewayRefundTable {
  id: string
  idempotency_key: string
  checkout_id: string
  amount_cents: number
  refund_id: string
  created_at: Timestamp
}

export interface PaymentTables {
  payment: PaymentTable
  payment_refund: PaymentRefundTable
  test_gateway_checkout: TestGatewayCheckoutTable
  test_gateway_refund: TestGatewayRefundTable
}
