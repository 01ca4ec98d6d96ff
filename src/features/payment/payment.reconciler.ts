import type { PaymentService } from './payment.service.ts'

/** Every few minutes, settle payments whose return never came and retry unanswered refunds. */
export function startPaymentReconciler(
  payments: PaymentService,
  options: { intervalMs?: number; log?: { info(obj: object, msg: string): void; error(obj: object, msg: string): void } } = {},
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined
  const tick = () => {
    if (running) return // never two passes at once in one process
    running = payments
      .reconcile()
      .then((r) => {
        if (r.settled > 0) options.log?.info(r, 'payments reconciled')
      })
      .catch((err: unknown) => options.log?.error({ err }, 'payment reconciliation failed'))
      .finally(() => {
        running = undefined
      })
  }
  const timer = setInterval(tick, options.intervalMs ?? 5 * 60_000)
  timer.unref()
  return {
    stop: async () => {
      clearInterval(timer)
      await running
    },
  }
}
