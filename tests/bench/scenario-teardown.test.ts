import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { SetupClient } from '../../bench/lib/setup-client.ts'
import { BENCH_SEED, SCENARIOS } from '../../bench/scenarios.ts'
import { testApp } from '../helpers/app.ts'
import { businessWithPrimary } from '../helpers/offers.ts'

/**
 * The section scenarios make drafts for their load (one to read, one per connection to save).
 * Left behind, they would be the first page of the busiest business's queue in every later
 * configuration and run, lighter than the seeded rows it is meant to measure.
 */
test('the scenarios that make drafts delete them after their load, through the portal', async (t) => {
  const portal = await testApp()
  t.after(() => portal.close())
  const { businessId } = await businessWithPrimary(portal, BENCH_SEED.user, '123456789', 'Bench Business', BENCH_SEED.password)
  await portal.app.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(portal.app.server.address() as AddressInfo).port}`
  const offers = async () => (await portal.db.selectFrom('offer').select(['id', 'status']).where('business_id', '=', businessId).execute()).map((o) => o.status)

  for (const [name, made] of [
    ['offer-section-get', 1],
    ['offer-section-post', 2 * (3 + 5)],
  ] as const) {
    const scenario = SCENARIOS.find((s) => s.name === name)!
    const client = new SetupClient(baseUrl)
    const state = await scenario.setup!(client, { connections: 3 })
    assert.deepEqual(await offers(), Array(made).fill('draft'), `${name}: its drafts, made`)
    await scenario.teardown!(client, state)
    assert.deepEqual(await offers(), [], `${name}: none left`)
  }
})
