import type { CliCommand } from '../../cli.ts'
import { systemClock } from '../../platform/clock.ts'
import { gatewayFromConfig } from './payment.gateways.ts'
import { PaymentService } from './payment.service.ts'

/** `npm run portal -- payments reconcile [graceMinutes]`: settle stale payments now. */
export const paymentsReconcileCommand: CliCommand = {
  name: ['payments', 'reconcile'],
  usage: 'payments reconcile [grace-minutes]',
  description: 'Asks the payment gateway about payments still pending after grace-minutes (default 15) and retries unanswered refunds.',
  checkArgs: (args) => (args.length > 1 || (args[0] !== undefined && !/^\d+$/.test(args[0])) ? 'grace-minutes must be a whole number' : undefined),
  async run(args, ctx) {
    const payments = new PaymentService({
      db: ctx.db,
      clock: systemClock,
      gateway: gatewayFromConfig(ctx.config, { db: ctx.db, clock: systemClock }),
      gatewayName: ctx.config.paymentGateway,
      publicBaseUrl: ctx.config.publicBaseUrl,
      feeCents: ctx.config.feeCents,
    })
    const r = await payments.reconcile({ graceMinutes: args[0] === undefined ? 15 : Number(args[0]) })
    ctx.out(`Examined ${r.examined} pending payment(s); settled ${r.settled}.`)
    return 0
  },
}
