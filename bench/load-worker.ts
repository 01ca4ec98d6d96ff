import autocannon from 'autocannon'
import type { LoadRequest, LoadResult } from './lib/load.ts'

/**
 * The load generator, run as its own process (forked by bench/lib/load.ts) so that
 * autocannon never shares an event loop with the server it measures. It receives one
 * job over IPC, runs an optional warm-up, then the measured run, and sends back
 * the summary.
 */
export interface LoadJob {
  baseUrl: string
  requests: LoadRequest[]
  connections: number
  durationSeconds: number
  warmupSeconds: number
  /** The status class a successful response has (2 for 200, 3 for a 303 redirect). */
  expectStatusClass: number
}

async function run(job: LoadJob, durationSeconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: job.baseUrl,
    connections: job.connections,
    duration: durationSeconds,
    pipelining: 1,
    timeout: 10,
    requests: job.requests.map((r) => ({ method: r.method, path: r.path, headers: r.headers, body: r.body })),
  })
}

process.once('message', (message) => {
  void (async () => {
    const job = message as LoadJob
    if (job.warmupSeconds > 0) await run(job, job.warmupSeconds)
    const r = await run(job, job.durationSeconds)
    const byClass: Record<number, number> = { 1: r['1xx'], 2: r['2xx'], 3: r['3xx'], 4: r['4xx'], 5: r['5xx'] }
    const responses = Object.values(byClass).reduce((a, b) => a + b, 0)
    const unexpected = responses - (byClass[job.expectStatusClass] ?? 0)
    const result: LoadResult = {
      requestsPerSecond: r.requests.average,
      requests: r.requests.total,
      latencyP50Ms: r.latency.p50,
      latencyP99Ms: r.latency.p99,
      latencyMaxMs: r.latency.max,
      errors: r.errors + r.timeouts + unexpected,
      statusClasses: byClass,
      bytesPerSecond: r.throughput.average,
      bytesPerResponse: responses > 0 ? r.throughput.total / responses : 0,
      durationSeconds: r.duration,
    }
    process.send!(result, () => process.exit(0))
  })().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
})
