import crypto from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../src/db/connect.ts'
import type { Answers } from '../../src/features/offers/offers.tables.ts'
import type { CheckoutOutcome, PaymentGateway, RefundOutcome } from '../../src/features/payment/payment.gateway.ts'
import { luhnCheckDigit } from '../../src/features/reference/validators.ts'

/**
 * Objects the officer console works on, written straight to the database (the offers
 * and payment features own how they are made; the console only reads and decides).
 */
export const businessNumber = (eight: string): string => eight + luhnCheckDigit(eight)

export async function makeBusiness(db: Db, o: { eight: string; legalName: string; province?: string; employerNumber?: string; now?: Date }): Promise<string> {
  const now = o.now ?? new Date('2026-01-15T15:00:00Z')
  const row = await db
    .insertInto('business')
    .values({
      business_number: businessNumber(o.eight),
      legal_name: o.legalName,
      legal_name_key: `${o.legalName.toLowerCase()}-${o.eight}`,
      operating_name: o.legalName,
      street: '100 Wellington St',
      city: 'Ottawa',
      province: o.province ?? 'ON',
      postal_code: 'K1A 0A9',
      phone: '+1 613 555 0123',
      employer_number: o.employerNumber ?? `E${o.eight.slice(0, 7)}`,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export function offerAnswers(o: { familyName?: string; givenNames?: string; passport?: string; citizenship?: string; exemptionCode?: string; province?: string; jobTitle?: string } = {}): Answers {
  return {
    exemption: { exemptionCode: o.exemptionCode ?? 'T36', exemptionExplanation: 'A professional under CUSMA.' },
    job: { jobTitle: o.jobTitle ?? 'Software engineer', nocCode: '21231', workProvince: o.province ?? 'ON', startDate: '2026-03-01', endDate: '2028-03-01' },
    worker: {
      familyName: o.familyName ?? 'García',
      givenNames: o.givenNames ?? 'José Luis',
      dateOfBirth: '1990-05-04',
      countryOfBirth: o.citizenship ?? 'MX',
      citizenship: o.citizenship ?? 'MX',
      passportNumber: o.passport ?? 'G12345678',
    },
  }
}

/** A submitted offer (default: pending, paid elsewhere) with its number. */
export async function makeOffer(
  db: Db,
  o: { businessId: string; userId: string; offerNumber: string; status?: 'pending' | 'matched' | 'withdrawn' | 'draft' | 'awaiting_payment'; answers?: Answers; submittedAt?: Date },
): Promise<string> {
  const answers = o.answers ?? offerAnswers()
  const submittedAt = o.submittedAt ?? new Date('2026-01-10T15:00:00Z')
  const worker = answers.worker ?? {}
  const workerName = [worker.familyName, worker.givenNames].filter((x) => typeof x === 'string' && x).join(', ')
  const jobTitle = typeof answers.job?.jobTitle === 'string' ? answers.job.jobTitle : ''
  const r = await sql<{ id: string }>`insert into offer (business_id, created_by, status, offer_number, answers, worker_name, job_title, created_at, updated_at, submitted_at)
    values (${o.businessId}, ${o.userId}, ${o.status ?? 'pending'}, ${o.status === 'draft' ? null : o.offerNumber}, ${JSON.stringify(answers)}::jsonb, ${workerName}, ${jobTitle}, ${submittedAt}, ${submittedAt}, ${o.status === 'draft' ? null : submittedAt})
    returning id`.execute(db)
  return r.rows[0]!.id
}

/** An approved fee payment of an offer (as the payment service leaves it). */
export async function makeApprovedPayment(db: Db, o: { offerId: string; businessId: string; userId: string; amountCents?: number; at?: Date }): Promise<string> {
  const id = crypto.randomUUID()
  const at = o.at ?? new Date('2026-01-10T14:55:00Z')
  await db
    .insertInto('payment')
    .values({
      id,
      purpose_type: 'offer',
      purpose_id: o.offerId,
      business_id: o.businessId,
      created_by_user_id: o.userId,
      amount_cents: o.amountCents ?? 23000,
      currency: 'CAD',
      gateway: 'embedded',
      status: 'approved',
      idempotency_key: `payment-${id}`,
      checkout_ref: `chk-${id}`,
      redirect_url: null,
      continue_path: null,
      lang: 'en',
      failure_reason: null,
      receipt_number: `EC-2026-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
      approved_at: at,
      card_brand: 'visa',
      card_last4: '4242',
      gateway_transaction_id: `txn-${id}`,
      gateway_order_ref: `order-${id}`,
      created_at: at,
      updated_at: at,
    })
    .execute()
  return id
}

/** A gateway that only refunds (what a decision needs), counting the calls; `answer` decides the outcome. */
export class RefundingGateway implements PaymentGateway {
  refunds: string[] = []
  answer: () => RefundOutcome = () => ({ status: 'succeeded', refundId: `rf-${this.refunds.length}` })
  startCheckout(): Promise<never> {
    return Promise.reject(new Error('not in these tests'))
  }
  confirm(): Promise<CheckoutOutcome> {
    return Promise.resolve({ status: 'open' })
  }
  async refund(request: { idempotencyKey: string }): Promise<RefundOutcome> {
    this.refunds.push(request.idempotencyKey)
    return this.answer()
  }
}
