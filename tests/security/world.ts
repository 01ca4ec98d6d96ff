import crypto from 'node:crypto'
import { sql } from 'kysely'
import type { AppUser } from '../../src/db/database.ts'
import { hashToken, newTokenValue } from '../../src/features/api/api-tokens.service.ts'
import { PaymentService } from '../../src/features/payment/payment.service.ts'
import { EmbeddedTestGateway } from '../../src/features/payment/test-gateway.gateway.ts'
import { luhnCheckDigit } from '../../src/features/reference/validators.ts'
import type { TestApp } from '../helpers/app.ts'
import { createUser } from '../helpers/users.ts'
import type { Fixture, Role } from './route-matrix.ts'

export const bn = (eight: string): string => eight + luhnCheckDigit(eight)

export interface World {
  users: Record<Exclude<Role, 'signedOut'>, AppUser>
  businessA: string
  businessB: string
  fx: Fixture
  /** Puts the cast's memberships back as they were (after a check that transferred or removed one). */
  restore(): Promise<void>
  /** API bearer tokens (every scope) by role: each employer's for their business; the employer without a business holds one for business A, of which they are no member. Staff have none. */
  apiTokens: Partial<Record<Role, string>>
}

/**
 * The cast of the security tests, written straight to the database: an employer without
 * a business, business A (primary and secondary users, its approved enrolment request, a
 * business message, a pending payment with its test-gateway checkout), business B (its
 * primary user), an officer and an administrator; plus one development-mailbox row.
 */
export async function buildWorld(t: TestApp, prefix = 'w'): Promise<World> {
  const now = t.clock.now()
  const mk = (username: string, role: 'employer' | 'officer' | 'administrator' = 'employer') => createUser(t.db, { username: `${prefix}.${username}`, role })
  const users = {
    noBusiness: await mk('nobusiness'),
    primaryA: await mk('primary-a'),
    secondaryA: await mk('secondary-a'),
    branchPrimaryA: await mk('branch-primary-a'),
    branchSecondaryA: await mk('branch-secondary-a'),
    primaryB: await mk('primary-b'),
    officer: await mk('officer', 'officer'),
    administrator: await mk('admin', 'administrator'),
  }
  const business = async (n: string, name: string) =>
    (
      await t.db
        .insertInto('business')
        .values({
          business_number: bn(n),
          legal_name: name,
          legal_name_key: `${prefix}-${name.toLowerCase()}`,
          operating_name: name,
          street: '100 Wellington St',
          city: 'Ottawa',
          province: 'ON',
          postal_code: 'K1A 0A9',
          phone: '+1 613 555 0123',
          employer_number: `E${n.slice(0, 7)}`,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  // Business numbers from the prefix, so several worlds live in one database.
  const seed = String(parseInt(crypto.createHash('sha256').update(prefix).digest('hex').slice(0, 8), 16) % 1_000_000).padStart(6, '0')
  const numberA = `${seed}10`
  const businessA = await business(numberA, `${prefix} Business A`)
  const businessB = await business(`${seed}20`, `${prefix} Business B`)
  await t.db
    .insertInto('business_membership')
    .values([
      { business_id: businessA, user_id: users.primaryA.id, role: 'primary', created_at: now, created_by: null },
      { business_id: businessA, user_id: users.secondaryA.id, role: 'secondary', created_at: now, created_by: users.primaryA.id },
      { business_id: businessB, user_id: users.primaryB.id, role: 'primary', created_at: now, created_by: null },
    ])
    .execute()
  // Branch A of business A: its branch primary user and a secondary user of the branch.
  const branchA = (
    await t.db
      .insertInto('branch')
      .values({ business_id: businessA, name: `${prefix} Branch A`, street: '1 Rideau St', city: 'Ottawa', province: 'ON', postal_code: 'K1N 5W8', created_at: now, created_by: users.primaryA.id })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  await t.db
    .insertInto('business_membership')
    .values([
      { business_id: businessA, user_id: users.branchPrimaryA.id, role: 'branch_primary', branch_id: branchA, created_at: now, created_by: users.primaryA.id },
      { business_id: businessA, user_id: users.branchSecondaryA.id, role: 'secondary', branch_id: branchA, created_at: now, created_by: users.branchPrimaryA.id },
    ])
    .execute()
  const enrolmentA = (
    await t.db
      .insertInto('enrolment_request')
      .values({
        requester_user_id: users.primaryA.id,
        status: 'approved',
        operates_in_canada: true,
        business_number: bn(numberA),
        legal_name: `${prefix} Business A`,
        legal_name_key: `${prefix}-business a`,
        operating_name: `${prefix} Business A`,
        street: '100 Wellington St',
        city: 'Ottawa',
        province: 'ON',
        postal_code: 'K1A 0A9',
        phone: '+1 613 555 0123',
        submitted_at: now,
        decided_at: now,
        decided_by: users.officer.id,
        business_id: businessA,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  const businessMessageA = (
    await t.db
      .insertInto('account_message')
      .values({ user_id: null, business_id: businessA, template: 'retired', params: '{}', lang: 'en', subject: 'For business A', body: 'Only its members read this.', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  const payments = new PaymentService({
    db: t.db,
    clock: t.clock,
    gateway: new EmbeddedTestGateway({ db: t.db, clock: t.clock, publicBaseUrl: t.config.publicBaseUrl }),
    gatewayName: 'embedded',
    publicBaseUrl: t.config.publicBaseUrl,
    feeCents: t.config.feeCents,
  })
  const started = await payments.startPayment({ purposeType: 'offer', purposeId: crypto.randomUUID(), userId: users.primaryA.id, lang: 'en', continuePath: '/en/home' })
  if (started.kind !== 'redirect') throw new Error(`payment did not start: ${started.kind}`)
  const checkoutA = /checkouts\/([0-9a-f-]{36})/.exec(started.redirectUrl)?.[1]
  if (!checkoutA) throw new Error(`no checkout id in ${started.redirectUrl}`)
  const devMail = (
    await t.db
      .insertInto('dev_mailbox')
      .values({ message_id: `<${prefix}-1@example.ca>`, from_address: 'portal@example.ca', reply_to: null, to_address: 'someone@example.ca', lang: 'en', subject: 'Hello', text_body: 'Hello', html_body: '<p>Hello</p>', received_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  // Written with SQL: the offers feature's table types are still moving.
  const offerA = (
    await sql<{ id: string }>`insert into offer (business_id, created_by, created_at, updated_at) values (${businessA}, ${users.primaryA.id}, ${now}, ${now}) returning id`.execute(t.db)
  ).rows[0]!.id
  // A submitted offer of business A with its approved payment (its receipt), and factories for checks that delete.
  const submittedOfferA = (
    await sql<{ id: string }>`insert into offer (business_id, created_by, created_at, updated_at, status, offer_number, submitted_at)
      values (${businessA}, ${users.primaryA.id}, ${now}, ${now}, 'pending', ${`A${seed}9`}, ${now}) returning id`.execute(t.db)
  ).rows[0]!.id
  const approvedPaymentA = (
    await sql<{ id: string }>`insert into payment (id, purpose_type, purpose_id, business_id, created_by_user_id, amount_cents, currency, gateway, status, idempotency_key, lang, receipt_number, approved_at, card_brand, card_last4, gateway_transaction_id, created_at, updated_at)
      values (gen_random_uuid(), 'offer', ${submittedOfferA}, ${businessA}, ${users.primaryA.id}, 23000, 'CAD', 'embedded', 'approved', ${`${prefix}-approved`}, 'en', ${`R-${prefix}`}, ${now}, 'Visa', '4242', 'T-1', ${now}, ${now}) returning id`.execute(t.db)
  ).rows[0]!.id
  // A submitted offer of business A that claimed a fee exemption (the officers' review queue), with its proof.
  const exemptOfferA = (
    await sql<{ id: string }>`insert into offer (business_id, created_by, created_at, updated_at, status, offer_number, submitted_at, fee_exemption, needs_review)
      values (${businessA}, ${users.primaryA.id}, ${now}, ${now}, 'pending', ${`A${seed}8`}, ${now}, 'employer', true) returning id`.execute(t.db)
  ).rows[0]!.id
  const exemptProofA = (
    await sql<{ id: string }>`insert into offer_document (offer_id, file_name, content_type, size_bytes, sha256, content, uploaded_by, created_at)
      values (${exemptOfferA}, 'proof.pdf', 'application/pdf', 5, 'x', ${Buffer.from('%PDF-')}, ${users.primaryA.id}, ${now}) returning id`.execute(t.db)
  ).rows[0]!.id
  const newDraftA = async () =>
    (await sql<{ id: string }>`insert into offer (business_id, created_by, created_at, updated_at) values (${businessA}, ${users.primaryA.id}, ${now}, ${now}) returning id`.execute(t.db)).rows[0]!.id
  const newDocumentA = async () => {
    const id = await newDraftA()
    const doc = await sql<{ id: string }>`insert into offer_document (offer_id, file_name, content_type, size_bytes, sha256, content, uploaded_by, created_at)
      values (${id}, 'proof.pdf', 'application/pdf', 5, 'x', ${Buffer.from('%PDF-')}, ${users.primaryA.id}, ${now}) returning id`.execute(t.db)
    return { id, documentId: doc.rows[0]!.id }
  }
  const transferA = (
    await sql<{ id: string }>`insert into primary_transfer_request (business_id, requester_user_id, reason, created_at)
      values (${businessA}, ${users.noBusiness.id}, 'Our primary user left the company.', ${now}) returning id`.execute(t.db)
  ).rows[0]!.id
  let fresh = 0
  /** A new secondary member of business A (a user of their own), for a check that may remove or promote them. */
  const newMemberA = async () => {
    const username = `${prefix}.member-${++fresh}`
    const user = await t.db
      .insertInto('app_user')
      .values({ role: 'employer', username, username_key: username, email: null, email_key: null, given_name: 'Fresh', family_name: `Member ${fresh}`, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    const m = await t.db
      .insertInto('business_membership')
      .values({ business_id: businessA, user_id: user.id, role: 'secondary', created_at: now, created_by: users.primaryA.id })
      .returning('id')
      .executeTakeFirstOrThrow()
    return m.id
  }
  /** A new PIN issued by business A (written directly: its hash is random, its PIN unknowable), for a check that may revoke it. */
  const newPinA = async () => {
    const row = await sql<{ id: string }>`insert into access_pin (business_id, role, given_names, family_name, pin_hash, expires_at, created_by, created_at)
      values (${businessA}, 'secondary', 'Pin', ${`Holder ${++fresh}`}, ${crypto.randomBytes(32).toString('hex')}, ${new Date(now.getTime() + 14 * 86_400_000)}, ${users.primaryA.id}, ${now})
      returning id`.execute(t.db)
    return row.rows[0]!.id
  }
  const newOfficer = async () => {
    const username = `${prefix}.officer-${++fresh}`
    const user = await t.db
      .insertInto('app_user')
      .values({ role: 'officer', username, username_key: username, email: null, email_key: null, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    return user.id
  }
  const cast = [
    [businessA, users.primaryA.id, 'primary', null],
    [businessA, users.secondaryA.id, 'secondary', null],
    [businessA, users.branchPrimaryA.id, 'branch_primary', branchA],
    [businessA, users.branchSecondaryA.id, 'secondary', branchA],
    [businessB, users.primaryB.id, 'primary', null],
  ] as const
  const restore = async () => {
    for (const [business, user, role, branch] of cast) {
      if (role === 'primary') {
        await t.db.updateTable('business_membership').set({ role: 'secondary' }).where('business_id', '=', business).where('role', '=', 'primary').where('user_id', '!=', user).execute()
      }
      await t.db.updateTable('business_membership').set({ role, branch_id: branch, status: 'active', removed_at: null }).where('business_id', '=', business).where('user_id', '=', user).execute()
    }
  }
  // Requests of the access feature: a PIN reset for A's primary user, one for the officers, a reactivation.
  const pinReset = async (handledBy: 'primary' | 'officers') =>
    (
      await t.db
        .insertInto('pin_reset_request')
        .values({ requester_user_id: users.noBusiness.id, given_names: 'Lost', family_name: 'Pin', business_key: handledBy === 'primary' ? bn(numberA) : `E${numberA.slice(0, 7)}`, business_id: businessA, email: 'lost.pin@example.ca', reason: 'I lost it.', wants_primary: handledBy === 'officers', handled_by: handledBy, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  const pinResetA = await pinReset('primary')
  const pinResetOfficersA = await pinReset('officers')
  // The console's objects: a finished inspection export of business A, a problem report with a screenshot, and windows to cancel.
  const exportA = (
    await t.db
      .insertInto('inspection_export')
      .values({ business_id: businessA, format: 'csv', status: 'done', total: 1, done: 1, requested_by: users.officer.id, requested_at: now, finished_at: now, file_name: 'inspection.csv', content: Buffer.from('a,b\r\n') })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  const problemReport = (
    await t.db
      .insertInto('problem_report')
      .values({ description: 'The page froze.', lang: 'en', screenshot: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'), screenshot_type: 'image/png', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  const newMaintenanceWindow = async () => {
    const far = (days: number) => new Date(Date.UTC(2099, 0, 1) + days * 86_400_000)
    return (await t.db.insertInto('maintenance_window').values({ announce_from: far(0), starts_at: far(1), ends_at: far(2), created_by: users.administrator.id, created_at: now }).returning('id').executeTakeFirstOrThrow()).id
  }
  const sleeper = await mk('sleeper')
  const reactivation = (await t.db.insertInto('reactivation_request').values({ user_id: sleeper.id, reason: 'I am back.', created_at: now }).returning('id').executeTakeFirstOrThrow()).id
  // API tokens written straight to the database (as ApiTokenService.create would): only the hash is kept.
  const apiToken = async (userId: string, businessId: string) => {
    const value = newTokenValue()
    const row = await t.db
      .insertInto('api_token')
      .values({ user_id: userId, business_id: businessId, name: `${prefix} matrix`, scopes: 'read drafts submit', token_hash: hashToken(value), token_prefix: value.slice(0, 9), created_at: now, expires_at: new Date(now.getTime() + 365 * 86_400_000) })
      .returning('id')
      .executeTakeFirstOrThrow()
    return { id: row.id, value }
  }
  const apiTokens: Partial<Record<Role, string>> = {
    noBusiness: (await apiToken(users.noBusiness.id, businessA)).value,
    primaryA: (await apiToken(users.primaryA.id, businessA)).value,
    secondaryA: (await apiToken(users.secondaryA.id, businessA)).value,
    branchPrimaryA: (await apiToken(users.branchPrimaryA.id, businessA)).value,
    branchSecondaryA: (await apiToken(users.branchSecondaryA.id, businessA)).value,
    primaryB: (await apiToken(users.primaryB.id, businessB)).value,
  }
  /** A new API token of business A's primary user (for checks that revoke it). */
  const newApiTokenA = async () => (await apiToken(users.primaryA.id, businessA)).id
  return {
    users,
    businessA,
    businessB,
    restore,
    apiTokens,
    fx: { enrolmentA, businessMessageA, paymentA: started.payment.id, checkoutA, devMail: String(devMail), offerA, submittedOfferA, approvedPaymentA, exemptOfferA, exemptProofA, newDraftA, newDocumentA, transferA, newMemberA, newPinA, newOfficer, pinResetA, pinResetOfficersA, reactivation, businessIdA: businessA, exportA, problemReport, newMaintenanceWindow, newApiTokenA },
  }
}

/** Tables a hostile request could touch: their row counts, to show that nothing changed. */
export const WATCHED_TABLES = [
  'app_user',
  'business',
  'business_membership',
  'enrolment_request',
  'account_message',
  'email_outbox',
  'payment',
  'test_gateway_checkout',
  'audit_event',
  'noc_occupation',
  'branch',
  'access_pin',
  'offer',
  'api_token',
  'pin_reset_request',
  'reactivation_request',
] as const

export async function rowCounts(db: TestApp['db']): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const table of WATCHED_TABLES) out[table] = Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  return out
}
