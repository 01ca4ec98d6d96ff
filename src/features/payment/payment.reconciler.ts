import { startPeriodic, type PassLog } from '../../platform/periodic.ts'
import type { PaymentService } from './payment.service.ts'

/** Every few minutes, settle payments whose return never came and retry unanswered refunds. */
export function startPaymentReconciler(payments: PaymentService, options: { intervalMs?: number; log?: PassLog } = {}): { stop(): Promise<void> } {
  return startPeriodic(
    async () => {
      const r = await payments.reconcile()
      if (r.settled > 0) options.log?.info(r, 'payments reconciled')
    },
    { intervalMs: options.intervalMs ?? 5 * 60_000, onError: (err) => options.log?.error({ err }, 'payment reconciliation failed') },
  )
}
