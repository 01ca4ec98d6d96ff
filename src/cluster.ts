import cluster, { type Worker } from 'node:cluster'
import closeWithGrace from 'close-with-grace'

/**
 * `WEB_CONCURRENCY=N npm start` (N > 1, PostgreSQL only: config.ts refuses it on the
 * embedded database): the primary process forks N workers, each of which runs the
 * normal server (src/server.ts main) on the same port; node:cluster spreads the
 * connections. Sessions live in the database and migrations take an advisory lock,
 * so workers share nothing in memory.
 *
 * Shutdown: SIGTERM or SIGINT to the primary is passed to every worker once, as an
 * IPC message (a terminal's Ctrl-C also reaches the workers directly; they ignore
 * SIGINT so that they are not told twice, which close-with-grace treats as "exit now").
 * A worker that dies unexpectedly is replaced, at most once a second.
 */
export function runPrimary(workers: number, log: (line: string) => void = console.error): void {
  let stopping = false
  let lastRespawn = 0
  const fork = (): Worker => cluster.fork()

  for (let i = 0; i < workers; i++) fork()
  log(`Employer Portal: primary ${process.pid} started ${workers} worker processes (WEB_CONCURRENCY=${workers})`)

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0)
      return
    }
    log(`worker ${worker.process.pid} exited (${signal ?? code}); starting a replacement`)
    const wait = Math.max(0, lastRespawn + 1000 - Date.now())
    lastRespawn = Date.now() + wait
    setTimeout(fork, wait).unref()
  })

  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return
    stopping = true
    log(`primary received ${signal}: stopping the workers`)
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined)
    if (alive.length === 0) process.exit(0)
    for (const worker of alive) worker.send(SHUTDOWN)
    // Workers finish in-flight requests within their own 10 s grace period.
    setTimeout(() => process.exit(1), 15_000).unref()
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

const SHUTDOWN = 'portal:shutdown'

/** close-with-grace options for this process: cluster workers leave SIGINT to the primary. */
export function graceOptions(): { skip?: ['SIGINT'] } {
  return cluster.isWorker ? { skip: ['SIGINT'] } : {}
}

/** In a cluster worker: ignore terminal SIGINT and close gracefully when the primary says so. */
export function followPrimary(closer: { close(): unknown }): void {
  if (!cluster.isWorker) return
  process.on('SIGINT', () => undefined)
  process.on('message', (message) => {
    // close-with-grace marks itself `closing` once a signal or close() started the shutdown.
    if (message === SHUTDOWN && !(closeWithGrace as { closing?: boolean }).closing) void closer.close()
  })
}

/** Whether this process should fork workers instead of serving. */
export function isClusterPrimary(webConcurrency: number): boolean {
  return webConcurrency > 1 && cluster.isPrimary
}
