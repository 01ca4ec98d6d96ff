import type { Config } from '../../config.ts'
import type { Db } from '../../db/connect.ts'
import type { Clock } from '../../platform/clock.ts'
import { MONERIS_URLS, MonerisCheckoutGateway } from './moneris.gateway.ts'
import type { PaymentGateway } from './payment.gateway.ts'
import { EmbeddedTestGateway } from './test-gateway.gateway.ts'

/** The gateway the configuration names. The payment service receives it as a plain `PaymentGateway`. */
export function gatewayFromConfig(config: Config, deps: { db: Db; clock: Clock }): PaymentGateway {
  if (config.paymentGateway === 'moneris') {
    const m = config.moneris
    const urls = MONERIS_URLS[m.environment]
    return new MonerisCheckoutGateway({
      storeId: m.storeId ?? '',
      apiToken: m.apiToken ?? '',
      checkoutId: m.checkoutId ?? '',
      environment: m.environment,
      checkoutRequestUrl: m.checkoutRequestUrl ?? urls.checkoutRequestUrl,
      hostedPageUrl: m.hostedPageUrl ?? urls.hostedPageUrl,
      gatewayRequestUrl: m.gatewayRequestUrl ?? urls.gatewayRequestUrl,
    })
  }
  return new EmbeddedTestGateway({ db: deps.db, clock: deps.clock, publicBaseUrl: config.publicBaseUrl })
}
