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

type Target = { path: string; version: number }

/**
 * autocannon's requests; a versioned one hands out its targets one request at a time. A run
 * stops with requests in flight whose answers are never read (their versions are unknown
 * afterwards), so the warm-up and the measured run each use their own share of the targets.
 */
function autocannonRequests(requests: LoadRequest[], share: number, shares: number): autocannon.Request[] {
  return requests.map((r, i) => {
    const base: autocannon.Request = { method: r.method, path: r.path, headers: r.headers, body: r.body }
    const versioned = r.versioned
    if (!versioned) return withFormHandOver(requests, i, withStatusCheck(r, base))
    const size = Math.floor(versioned.targets.length / shares)
    const free: Target[] = versioned.targets.slice(share * size, (share + 1) * size).map((t) => ({ ...t }))
    return {
      ...base,
      setupRequest: (request, context) => {
        const target = free.shift()
        if (!target) throw new Error(`more requests in flight than the ${size} targets of ${r.path} (one per connection at least, per run)`)
        context.target = target
        return { ...request, path: target.path, body: `${r.body ?? ''}&${versioned.field}=${target.version}` }
      },
      onResponse: (status, body, context) => {
        const target = context.target as Target
        if (status === versioned.okStatus) target.version++
        else {
          const current = /name="version" value="(\d+)"/.exec(body)?.[1]
          if (current) target.version = Number(current)
        }
        free.push(target)
      },
    }
  })
}

/** Answers whose status differs from their request's `expectStatus` (counted as errors). */
let unexpectedAnswers = 0

function withStatusCheck(r: LoadRequest, request: autocannon.Request): autocannon.Request {
  if (r.expectStatus === undefined) return request
  return {
    ...request,
    onResponse: (status, body, context, headers) => {
      if (status !== r.expectStatus) unexpectedAnswers++
      // A following request `withPreviousForm` posts this page's form in its session.
      const cookie = headers?.['set-cookie']
      if (cookie) context.cookie = String(cookie).split(';')[0]
      const csrf = /name="_csrf" value="([^"]+)"/.exec(body)?.[1]
      if (csrf) context.csrf = csrf
    },
  }
}

/** A request `withPreviousForm` sends the cookie and CSRF token its predecessor's answer carried. */
function withFormHandOver(requests: LoadRequest[], i: number, request: autocannon.Request): autocannon.Request {
  if (!requests[i]!.withPreviousForm) return request
  return {
    ...request,
    setupRequest: (req, context) => ({
      ...req,
      headers: { ...req.headers, ...(context.cookie ? { cookie: String(context.cookie) } : {}) },
      body: `${req.body ?? ''}&_csrf=${encodeURIComponent(String(context.csrf ?? ''))}`,
    }),
  }
}

async function run(job: LoadJob, requests: autocannon.Request[], durationSeconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: job.baseUrl,
    connections: job.connections,
    duration: durationSeconds,
    pipelining: 1,
    timeout: 10,
    requests,
  })
}

process.once('message', (message) => {
  void (async () => {
    const job = message as LoadJob
    const shares = job.warmupSeconds > 0 ? 2 : 1
    if (job.warmupSeconds > 0) await run(job, autocannonRequests(job.requests, 0, shares), job.warmupSeconds)
    unexpectedAnswers = 0
    // The measured run starts now: the benchmark reads the server's CPU time here.
    process.send!({ measuring: true })
    const r = await run(job, autocannonRequests(job.requests, shares - 1, shares), job.durationSeconds)
    const byClass: Record<number, number> = { 1: r['1xx'], 2: r['2xx'], 3: r['3xx'], 4: r['4xx'], 5: r['5xx'] }
    const responses = Object.values(byClass).reduce((a, b) => a + b, 0)
    // Requests that say which status they expect are checked one by one; the others by the job's status class.
    const unexpected = job.requests.some((q) => q.expectStatus !== undefined) ? unexpectedAnswers : responses - (byClass[job.expectStatusClass] ?? 0)
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
