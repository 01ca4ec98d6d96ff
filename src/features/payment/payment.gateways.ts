import type { Config } from '../../config.ts'
import type { Db } from '../../db/connect.ts'
import type { Clock } from '../../platform/clock.ts'
import { MONERIS_URLS, MonerisCheckoutGateway, monerisScriptUrl } from './moneris.gateway.ts'
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
      hostedPageUrl: m.hostedPageUrl ?? `${config.publicBaseUrl}/{lang}/payments/moneris/{ticket}`,
      gatewayRequestUrl: m.gatewayRequestUrl ?? urls.gatewayRequestUrl,
    })
  }
  return new EmbeddedTestGateway({ db: deps.db, clock: deps.clock, publicBaseUrl: config.publicBaseUrl })
}

/** What the portal page that embeds Moneris's form needs; undefined unless Moneris is the gateway. */
export function monerisPageFromConfig(config: Config): MonerisPage | undefined {
  if (config.paymentGateway !== 'moneris') return undefined
  const m = config.moneris
  return { mode: m.environment, scriptUrl: monerisScriptUrl(m.checkoutRequestUrl ?? MONERIS_URLS[m.environment].checkoutRequestUrl) }
}

export interface MonerisPage {
  mode: 'qa' | 'prod'
  scriptUrl: string
}
