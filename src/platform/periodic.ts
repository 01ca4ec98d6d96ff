/** What a background pass logs to (the app's pino logger, or a test's stand-in). */
export interface PassLog {
  info(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/**
 * A pass every `intervalMs` in a long-running process (optionally one at once), never two at
 * once in it: a tick that finds the last pass still running is skipped. A failed pass is
 * reported to `onError` and the next tick tries again. The timer does not keep the process
 * alive; `stop()` waits for the pass in flight.
 */
export function startPeriodic(pass: () => Promise<void>, options: { intervalMs: number; runNow?: boolean; onError: (err: unknown) => void }): { stop(): Promise<void> } {
  let running: Promise<void> | undefined
  const tick = () => {
    if (running) return
    running = pass()
      .catch(options.onError)
      .finally(() => {
        running = undefined
      })
  }
  if (options.runNow) tick()
  const timer = setInterval(tick, options.intervalMs)
  timer.unref()
  return {
    stop: async () => {
      clearInterval(timer)
      await running
    },
  }
}
