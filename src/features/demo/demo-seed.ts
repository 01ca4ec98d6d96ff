import crypto from 'node:crypto'
import type { Transaction } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { Database } from '../../db/database.ts'
import * as offers from '../offers/offers.repository.ts'
import type { Answers } from '../offers/offers.tables.ts'
import { nextReceiptNumber } from '../payment/payment.repository.ts'
import { recordPaidCheckout } from '../payment/test-gateway.gateway.ts'
import type { Role } from '../../db/database.ts'
import { audit, SYSTEM_ACTOR } from '../../platform/audit.ts'
import { hashSecret } from '../auth/passwords.ts'
import { findUserByUsername, insertUser } from '../auth/users.repository.ts'
import { nextEmployerNumber } from '../enrolment/enrolment.repository.ts'

/** Sign-ins of the development portal. Never created in production (SEED_DEMO is off there). */
export const DEMO_PASSWORD = 'demo password 2026'
/** A fixed authenticator key for the demo staff accounts; `npm run portal -- totp code --username demo.officer` prints the current code. */
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'

interface DemoUser {
  username: string
  role: Role
  givenName: string
  familyName: string
  lang: 'en' | 'fr'
  what: string
}

export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'demo.primary', role: 'employer', givenName: 'Priya', familyName: 'Sharma', lang: 'en', what: 'primary user of Demo Maple Bakery Inc.' },
  { username: 'demo.secondary', role: 'employer', givenName: 'Étienne', familyName: 'Gagnon', lang: 'fr', what: 'secondary user of Demo Maple Bakery Inc.' },
  { username: 'demo.officer', role: 'officer', givenName: 'Olivia', familyName: 'Officer', lang: 'en', what: 'officer (console)' },
  { username: 'demo.admin', role: 'administrator', givenName: 'Adam', familyName: 'Administrator', lang: 'en', what: 'administrator (console)' },
]

/** The demo business: demo.primary is its primary user, demo.secondary a secondary user. */
export const DEMO_BUSINESS = { businessNumber: '123456782', legalName: 'Demo Maple Bakery Inc.', operatingName: 'Maple Bakery' }

/** Creates the demo accounts and business that do not exist yet; safe to run at every start. */
export async function seedDemo(db: Db, now: Date): Promise<{ created: string[] }> {
  const created: string[] = []
  const passwordHash = await hashSecret(DEMO_PASSWORD)
  for (const u of DEMO_USERS) {
    if (await findUserByUsername(db, u.username)) continue
    await db.transaction().execute(async (trx) => {
      const user = await insertUser(
        trx,
        { role: u.role, username: u.username, email: `${u.username}@example.ca`, passwordHash, givenName: u.givenName, familyName: u.familyName, preferredLanguage: u.lang, emailVerified: true },
        now,
      )
      if (u.role !== 'employer') {
        await trx.updateTable('app_user').set({ totp_secret: DEMO_TOTP_SECRET, totp_enabled_at: now }).where('id', '=', user.id).execute()
      }
      await audit(trx, SYSTEM_ACTOR, now, { action: 'demo.user_created', objectType: 'user', objectId: user.id })
    })
    created.push(u.username)
  }
  await seedDemoBusiness(db, now)
  await registerDemoPayments(db)
  return { created }
}

/** What an earlier release's demo wrote as its payment's transaction: the test gateway never knew it. */
const UNKNOWN_DEMO_TRANSACTION = 'TG-DEMO'

/**
 * Demo data an earlier release seeded: its paid offer's payment never went through the test
 * gateway, so its refund (a withdrawal, a refused work permit) failed. The gateway is told of
 * it now, as the demo seeds it today, and the refund works.
 */
async function registerDemoPayments(db: Db): Promise<void> {
  const unknown = await db
    .selectFrom('payment')
    .selectAll()
    .where('gateway', '=', 'embedded')
    .where('gateway_transaction_id', '=', UNKNOWN_DEMO_TRANSACTION)
    .where('checkout_ref', 'is', null)
    .execute()
  for (const p of unknown) {
    await db.transaction().execute(async (trx) => {
      const paid = await paidThroughTestGateway(trx, { id: p.id, idempotencyKey: p.idempotency_key, amountCents: p.amount_cents, currency: p.currency, lang: p.lang, cardBrand: p.card_brand ?? 'Visa', cardLast4: p.card_last4 ?? '4242', paidAt: p.approved_at ?? p.created_at })
      await trx.updateTable('payment').set(paid).where('id', '=', p.id).where('checkout_ref', 'is', null).execute()
    })
  }
}

/**
 * A demo payment's columns once the embedded test gateway has recorded it as paid (without its
 * card page), so the gateway knows the transaction and refunds it as any other.
 */
async function paidThroughTestGateway(
  trx: Transaction<Database>,
  p: { id: string; idempotencyKey: string; amountCents: number; currency: string; lang: 'en' | 'fr'; cardBrand: string; cardLast4: string; paidAt: Date },
) {
  const checkout = await recordPaidCheckout(trx, { ...p, returnUrl: `/${p.lang}/payments/${p.id}/return` })
  return { checkout_ref: checkout.id, card_brand: checkout.card_brand, card_last4: checkout.card_last4, gateway_transaction_id: checkout.transaction_id, gateway_order_ref: checkout.order_ref }
}

async function seedDemoBusiness(db: Db, now: Date): Promise<void> {
  const exists = await db.selectFrom('business').select('id').where('business_number', '=', DEMO_BUSINESS.businessNumber).executeTakeFirst()
  if (exists) return
  const primary = await findUserByUsername(db, 'demo.primary')
  const secondary = await findUserByUsername(db, 'demo.secondary')
  if (!primary || !secondary) return
  await db.transaction().execute(async (trx) => {
    const business = await trx
      .insertInto('business')
      .values({
        business_number: DEMO_BUSINESS.businessNumber,
        legal_name: DEMO_BUSINESS.legalName,
        legal_name_key: DEMO_BUSINESS.legalName.toLowerCase(),
        operating_name: DEMO_BUSINESS.operatingName,
        street: '150 Elgin Street',
        city: 'Ottawa',
        province: 'ON',
        postal_code: 'K2P 1L4',
        phone: '+16135550100',
        employer_number: await nextEmployerNumber(trx),
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('business_membership')
      .values([
        { business_id: business.id, user_id: primary.id, role: 'primary', created_at: now },
        { business_id: business.id, user_id: secondary.id, role: 'secondary', created_at: now, created_by: primary.id },
      ])
      .execute()
    await audit(trx, SYSTEM_ACTOR, now, { action: 'demo.business_created', businessId: business.id, objectType: 'business', objectId: business.id })
    await seedDemoOffers(trx, business.id, primary.id, now)
  })
}

/** A day `days` after `now`, as the form's dates are written. */
const dayAfter = (now: Date, days: number) => new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10)

/** Two offers to look at: a draft half-filled, and one submitted and paid (with its receipt). */
async function seedDemoOffers(trx: Transaction<Database>, businessId: string, userId: string, now: Date): Promise<void> {
  const business = { employees: '18', yearStarted: '1998', mainActivities: 'A bakery making bread and pastries for cafés and grocers in the Ottawa region.' }
  const job = { jobTitle: 'Pastry chef', nocCode: '63200', mainDuties: 'Create and bake viennoiseries and pastries, train two apprentices, plan production.', workStreet: '150 Elgin Street', workCity: 'Ottawa', workProvince: 'ON', workPostalCode: 'K2P 1L4', startDate: dayAfter(now, 90), endDate: dayAfter(now, 455), hoursPerWeek: '40', additionalLocation: 'no' }
  await offers.insertDraft(trx, {
    businessId,
    branchId: null,
    userId,
    answers: { exemption: { exemptionCode: 'C10', exemptionExplanation: '', feeExemption: 'none' }, business, job: { ...job, jobTitle: 'Boulanger' } },
    now,
  })
  const full: Answers = {
    exemption: { exemptionCode: 'C10', exemptionExplanation: 'A pastry chef trained in Lyon whose techniques bring a significant cultural benefit to Canada.', feeExemption: 'none' },
    business,
    job,
    requirements: { education: 'college', experienceYears: '5', languages: ['fr', 'en'] },
    wage: { wage: '31.25', wageUnit: 'hour', benefits: ['health', 'vacation'] },
    worker: { familyName: 'Lefèvre-N’Diaye', givenNames: 'Aïssatou Marie', sex: 'F', dateOfBirth: '1991-04-12', countryOfBirth: 'SN', countryOfResidence: 'FR', citizenship: 'FR', passportNumber: '19AB12345' },
    attestations: { agreement: 'yes', noFeeRecovery: 'yes', activelyEngaged: 'yes', compliesWithLaws: 'yes', sameOccupation: 'yes', abuseFree: 'yes' },
  }
  const draft = await offers.insertDraft(trx, { businessId, branchId: null, userId, answers: full, now })
  await offers.markAwaitingPayment(trx, draft.id, draft.version, null, now)
  const paymentId = crypto.randomUUID()
  // Paid through the embedded test gateway, so a withdrawal or a refused work permit refunds it.
  const paid = await paidThroughTestGateway(trx, { id: paymentId, idempotencyKey: `payment-${paymentId}`, amountCents: 23000, currency: 'CAD', lang: 'en', cardBrand: 'Visa', cardLast4: '4242', paidAt: now })
  await trx
    .insertInto('payment')
    .values({
      id: paymentId,
      purpose_type: 'offer',
      purpose_id: draft.id,
      business_id: businessId,
      created_by_user_id: userId,
      amount_cents: 23000,
      currency: 'CAD',
      gateway: 'embedded',
      status: 'approved',
      idempotency_key: `payment-${paymentId}`,
      lang: 'en',
      receipt_number: await nextReceiptNumber(trx, now.getUTCFullYear()),
      approved_at: now,
      ...paid,
      created_at: now,
      updated_at: now,
    })
    .execute()
  await offers.markSubmitted(trx, draft.id, now)

  // A third, for the officers' queue: a foreign mission's fee exemption, with its proof, waiting for review.
  const exempt = await offers.insertDraft(trx, {
    businessId,
    branchId: null,
    userId,
    answers: {
      ...full,
      exemption: { ...full.exemption, feeExemption: 'employer' },
      worker: { ...full.worker, familyName: 'Okafor', givenNames: 'Chidera', sex: 'M', countryOfBirth: 'NG', countryOfResidence: 'NG', citizenship: 'NG', passportNumber: 'A12345678' },
    },
    now,
  })
  await offers.insertDocument(trx, {
    offer_id: exempt.id,
    file_name: 'note-diplomatique.pdf',
    content_type: 'application/pdf',
    size_bytes: DEMO_PROOF.length,
    sha256: crypto.createHash('sha256').update(DEMO_PROOF).digest('hex'),
    content: DEMO_PROOF,
    uploaded_by: userId,
    created_at: now,
  })
  await offers.markAwaitingPayment(trx, exempt.id, exempt.version, 'employer', now)
  await offers.markSubmitted(trx, exempt.id, now)
}

/** A one-page PDF standing in for a diplomatic note. */
const DEMO_PROOF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')

export function demoSignInsText(baseUrl: string): string {
  const rows = DEMO_USERS.map((u) => `  ${u.username.padEnd(16)} ${DEMO_PASSWORD}   ${u.what}`)
  return [
    'Demo sign-ins (development only):',
    `  Portal:  ${baseUrl}/en/sign-in      Console: ${baseUrl}/en/console/sign-in`,
    ...rows,
    `  Staff accounts use two-step verification with the key ${DEMO_TOTP_SECRET};`,
    '  `npm run portal -- totp code --username demo.officer` prints the current code.',
  ].join('\n')
}
