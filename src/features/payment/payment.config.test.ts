import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig } from '../../config.ts'
import { TestClock } from '../../platform/clock.ts'
import { MonerisCheckoutGateway } from './moneris.gateway.ts'
import { centsToDollars, dollarsToCents } from './payment.gateway.ts'
import { gatewayFromConfig, monerisPageFromConfig } from './payment.gateways.ts'
import { EmbeddedTestGateway } from './test-gateway.gateway.ts'

const PROD = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), PUBLIC_BASE_URL: 'https://portal.example.ca', SMTP_URL: 'smtp://mail:25' }

describe('payment configuration', () => {
  it('defaults to the embedded gateway and a fee of CAD 230.00 in cents', () => {
    const c = loadConfig({})
    assert.equal(c.feeCents, 23000)
    assert.equal(c.paymentGateway, 'embedded')
    assert.ok(gatewayFromConfig(c, { db: undefined as never, clock: new TestClock() }) instanceof EmbeddedTestGateway)
    assert.equal(monerisPageFromConfig(c), undefined)
    assert.equal(loadConfig({ FEE_CENTS: '15500' }).feeCents, 15500)
    assert.throws(() => loadConfig({ FEE_CENTS: '230.00' }), ConfigError, 'cents are whole numbers')
  })

  it('in production with Moneris, refuses to start without the Moneris secrets, naming each', () => {
    assert.throws(
      () => loadConfig({ ...PROD, PAYMENT_GATEWAY: 'moneris', MONERIS_STORE_ID: 'store5' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.some((p) => p.startsWith('MONERIS_API_TOKEN')) &&
        err.problems.some((p) => p.startsWith('MONERIS_CHECKOUT_ID')) &&
        !err.problems.some((p) => p.startsWith('MONERIS_STORE_ID')),
    )
    const c = loadConfig({ ...PROD, PAYMENT_GATEWAY: 'moneris', MONERIS_STORE_ID: 's', MONERIS_API_TOKEN: 't', MONERIS_CHECKOUT_ID: 'c', MONERIS_ENVIRONMENT: 'prod' })
    assert.ok(gatewayFromConfig(c, { db: undefined as never, clock: new TestClock() }) instanceof MonerisCheckoutGateway)
    assert.deepEqual(monerisPageFromConfig(c), { mode: 'prod', scriptUrl: 'https://gateway.moneris.com/chkt/js/chkt_v1.00.js' })
    assert.equal(monerisPageFromConfig(loadConfig({ PAYMENT_GATEWAY: 'moneris' }))!.scriptUrl, 'https://gatewayt.moneris.com/chkt/js/chkt_v1.00.js')
  })

  it('converts cents and dollars exactly', () => {
    assert.equal(centsToDollars(23000), '230.00')
    assert.equal(centsToDollars(5), '0.05')
    assert.equal(dollarsToCents('230.00'), 23000)
    assert.equal(dollarsToCents('0.5'), 50)
    assert.equal(dollarsToCents('14'), 1400)
    assert.throws(() => dollarsToCents('1,00'))
    assert.throws(() => centsToDollars(1.5))
  })
})
