import { pino } from 'pino'

/** Past this, lines are dropped rather than held (standard output stalled): memory stays bounded. */
const MOST_HELD_BYTES = 8 * 1024 * 1024

/**
 * Standard output for the log, written a few kilobytes at a time and at least every
 * `flushMs`, instead of a write per line: at a few thousand requests a second, a
 * synchronous write per request line was ~6 % of a section save's CPU
 * (docs/performance.md, session 15). What is held is written when the process exits,
 * after an error too (pino flushes it); a process killed outright loses at most
 * `flushMs` of lines. `flushMs` 0: each line written at once, synchronously. `dest`: a file
 * descriptor or a file's path (tests).
 */
export function logOutput(flushMs: number, dest: number | string = 1): { stream: ReturnType<typeof pino.destination>; close(): void } {
  if (flushMs === 0) {
    const stream = pino.destination({ dest, sync: true })
    return { stream, close: () => undefined }
  }
  const stream = pino.destination({ dest, sync: false, minLength: 4096, maxLength: MOST_HELD_BYTES })
  const timer = setInterval(() => stream.flush(), flushMs)
  timer.unref()
  return {
    stream,
    close: () => {
      clearInterval(timer)
      stream.flushSync()
    },
  }
}
