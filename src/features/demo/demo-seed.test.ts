import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { findCommand, type CliContext } from '../../cli.ts'
import { testConfig } from '../../config.ts'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { TestClient, text } from '../../../tests/helpers/http.ts'
import { signIn } from '../../../tests/helpers/users.ts'
import { totpCode } from '../auth/totp.ts'
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS, demoSignInsText, seedDemo } from './demo-seed.ts'

describe('demo data', () => {
  let t: TestApp
  before(async () => (t = await testApp()))
  after(() => t.close())

  it('creates each demo account once, however often it runs', async () => {
    assert.deepEqual((await seedDemo(t.db, t.clock.now())).created, DEMO_USERS.map((u) => u.username))
    assert.deepEqual((await seedDemo(t.db, t.clock.now())).created, [])
    const rows = await t.db.selectFrom('app_user').select(['username', 'role']).orderBy('username').execute()
    assert.equal(rows.length, 4)
    const members = await t.db
      .selectFrom('business_membership as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select(['u.username', 'm.role'])
      .orderBy('u.username')
      .execute()
    assert.deepEqual(members, [
      { username: 'demo.primary', role: 'primary' },
      { username: 'demo.secondary', role: 'secondary' },
    ])
    // Something to look at in the queue: a draft, and a paid offer with its number and receipt.
    const offers = await t.db.selectFrom('offer').select(['status', 'offer_number', 'needs_review']).orderBy('status').orderBy('needs_review').execute()
    assert.deepEqual(offers.map((o) => [o.status, o.needs_review]), [['draft', false], ['pending', false], ['pending', true]])
    assert.match(offers[1]!.offer_number!, /^A\d{7}$/)
    assert.equal((await t.db.selectFrom('offer_document').select('id').execute()).length, 1, 'the exempt offer has its proof')
    const paid = await t.db.selectFrom('payment').select(['status', 'receipt_number', 'checkout_ref', 'gateway_transaction_id']).execute()
    assert.equal(paid.length, 1)
    assert.equal(paid[0]!.status, 'approved')
    // Paid through the embedded test gateway: it knows the transaction, so the fee can be refunded.
    const checkout = await t.db.selectFrom('test_gateway_checkout').selectAll().where('id', '=', paid[0]!.checkout_ref!).executeTakeFirstOrThrow()
    assert.equal(checkout.status, 'approved')
    assert.equal(checkout.transaction_id, paid[0]!.gateway_transaction_id)
    assert.match(checkout.transaction_id!, /^TG-[0-9A-F]{16}$/)
  })

  it('refunds the demo’s paid offer when it is withdrawn, through the test gateway', async () => {
    const employer = new TestClient(t.app)
    await signIn(employer, 'demo.primary', DEMO_PASSWORD)
    await withdrawAndExpectRefund(t, employer)
  })

  it('prints sign-ins that work: an employer straight in, an officer with the printed key', async () => {
    const text = demoSignInsText('http://localhost:3000')
    for (const u of DEMO_USERS) assert.ok(text.includes(u.username))
    assert.ok(text.includes(DEMO_PASSWORD) && text.includes(DEMO_TOTP_SECRET))

    const employer = new TestClient(t.app)
    assert.equal((await signIn(employer, 'demo.primary', DEMO_PASSWORD)).location, '/en/home')

    const officer = new TestClient(t.app)
    assert.equal((await signIn(officer, 'demo.officer', DEMO_PASSWORD, 'en', true)).location, '/en/sign-in/code')
    await officer.get('/en/sign-in/code')
    assert.equal((await officer.post('/en/sign-in/code', { code: totpCode(DEMO_TOTP_SECRET, t.clock.now()) })).location, '/en/console')
  })
})

/** Withdraws the demo's paid offer through its pages: the offer is withdrawn and its fee refunded by the test gateway. */
async function withdrawAndExpectRefund(t: TestApp, employer: TestClient): Promise<void> {
  const offer = await t.db.selectFrom('offer').select(['id']).where('status', '=', 'pending').where('needs_review', '=', false).executeTakeFirstOrThrow()
  await employer.get(`/en/offers/${offer.id}/withdraw`)
  assert.equal((await employer.post(`/en/offers/${offer.id}/withdraw`, { reason: 'The worker stayed in Lyon.' })).location, `/en/offers/${offer.id}`)
  const payment = await t.db.selectFrom('payment').select(['id', 'status']).where('purpose_id', '=', offer.id).executeTakeFirstOrThrow()
  assert.equal(payment.status, 'refunded')
  const refund = await t.db.selectFrom('payment_refund').select(['status', 'failure_reason', 'gateway_refund_id']).where('payment_id', '=', payment.id).executeTakeFirstOrThrow()
  assert.deepEqual([refund.status, refund.failure_reason], ['succeeded', null])
  assert.match(refund.gateway_refund_id!, /^TR-/)
  const page = await employer.get(`/en/offers/${offer.id}`)
  assert.match(text(page.dom.querySelector('main')), /Refunded on/)
  assert.doesNotMatch(text(page.dom.querySelector('main')), /Refund failed/)
}

describe('demo data an earlier release seeded', () => {
  let t: TestApp
  before(async () => (t = await testApp()))
  after(() => t.close())

  it('makes its paid offer known to the test gateway at the next start, so its refund works', async () => {
    await seedDemo(t.db, t.clock.now())
    // As an earlier release left it: a payment the test gateway never saw.
    await t.db.deleteFrom('test_gateway_checkout').execute()
    await t.db.updateTable('payment').set({ checkout_ref: null, gateway_transaction_id: 'TG-DEMO', gateway_order_ref: null }).execute()
    await seedDemo(t.db, t.clock.now())
    const payment = await t.db.selectFrom('payment').select(['checkout_ref', 'gateway_transaction_id', 'idempotency_key']).executeTakeFirstOrThrow()
    const checkout = await t.db.selectFrom('test_gateway_checkout').selectAll().where('id', '=', payment.checkout_ref!).executeTakeFirstOrThrow()
    assert.deepEqual([checkout.status, checkout.transaction_id, checkout.idempotency_key], ['approved', payment.gateway_transaction_id, payment.idempotency_key])
    // Once only: a third start changes nothing.
    await seedDemo(t.db, t.clock.now())
    assert.equal((await t.db.selectFrom('test_gateway_checkout').select('id').execute()).length, 1)
    const employer = new TestClient(t.app)
    await signIn(employer, 'demo.primary', DEMO_PASSWORD)
    await withdrawAndExpectRefund(t, employer)
  })
})

describe('operator commands', () => {
  let t: TestApp
  const lines: string[] = []
  const errors: string[] = []
  let ctx: CliContext
  before(async () => {
    t = await testApp()
    ctx = { config: testConfig(), db: t.db, out: (l) => lines.push(l), err: (l) => errors.push(l) }
  })
  after(() => t.close())

  async function run(argv: string[]): Promise<number> {
    const found = findCommand(argv)
    assert.ok(found, `no command for ${argv.join(' ')}`)
    return found.command.run(found.args, ctx)
  }

  it('officer create makes a staff account that must set up an authenticator at first sign-in', async () => {
    assert.equal(await run(['officer', 'create', '--username', 'o.new', '--password', 'a fine long passphrase', '--role', 'administrator']), 0)
    const client = new TestClient(t.app)
    assert.equal((await signIn(client, 'o.new', 'a fine long passphrase', 'en', true)).location, '/en/two-factor/setup')
    const audit = await t.db.selectFrom('audit_event').select(['action', 'actor_label']).where('action', '=', 'staff.created').executeTakeFirstOrThrow()
    assert.equal(audit.actor_label, 'system')
  })

  it('officer create refuses a weak password, a bad role and a duplicate, changing nothing', async () => {
    assert.equal(await run(['officer', 'create', '--username', 'o.weak', '--password', 'password1234']), 1)
    assert.equal(await run(['officer', 'create', '--username', 'o.role', '--password', 'a fine long passphrase', '--role', 'employer']), 1)
    assert.equal(await run(['officer', 'create', '--username', 'O.NEW', '--password', 'a fine long passphrase']), 1)
    const names = (await t.db.selectFrom('app_user').select('username').execute()).map((r) => r.username)
    assert.deepEqual(names, ['o.new'])
    assert.equal(errors.length, 3)
  })
})
