import { spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { measureArgon2, type Argon2Result } from './lib/argon2.ts'
import { runLoad, type LoadResult } from './lib/load.ts'
import { cpuSeconds, freePort, RssSampler, startServer, type ServerProcess } from './lib/processes.ts'
import { SetupClient } from './lib/setup-client.ts'
import { BASELINE, BASELINE_ONE_QUERY, BENCH_SEED, requestsFor, SCENARIOS, type Scenario, type ScenarioKind } from './scenarios.ts'
import { pageTarget, rssTarget, TARGETS, type TargetVerdict } from './targets.ts'

/**
 * `npm run bench`: measures the portal against a bare-Fastify baseline in the same run.
 *
 *   npm run bench -- [--duration 10] [--connections 50] [--warmup 2] [--only home,about]
 *                    [--json test-results/bench/latest.json] [--argon2-seconds 4] [--processes 1,2]
 *                    [--cpu-prof <folder>]   (the portal's CPU profiles, one per process, written when it stops)
 *                    [--node-options=<flags>]   (Node options for the portal only, e.g. --node-options=--max-old-space-size=128)
 *
 * Starts the baseline and the portal as separate processes (the portal on a fresh
 * embedded database, or on PostgreSQL when DATABASE_URL is set, then with 1 and 2
 * processes), loads each scenario with autocannon from a third process, samples the
 * server's resident memory, prints a table with the targets and writes the JSON.
 */

/**
 * The portal runs with the memory settings docs/operations.md recommends for production
 * ("Memory settings": why each one, and what it was measured to buy): a V8 heap cap, two
 * malloc arenas, glibc's mmap threshold at 32 KB, and a young generation of 16 MB on the
 * embedded database or 64 MB with the old generation's growing step fixed at 2× on PostgreSQL.
 * `--node-options=` (empty) measures Node's default heap; MALLOC_ARENA_MAX and
 * MALLOC_MMAP_THRESHOLD_ in the environment replace these (empty: glibc's default).
 */
const PRODUCTION_NODE_OPTIONS = ['--max-old-space-size=256', ...(process.env.DATABASE_URL ? ['--max-semi-space-size=32', '--heap-growing-percent=100'] : ['--max-semi-space-size=8'])].join(' ')
const PRODUCTION_MALLOC = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '32768' }
/** glibc's settings for the portal: the environment's, else the recommended; empty leaves glibc's default (an empty threshold would read as 0). */
const malloc: Record<string, string> = Object.fromEntries(
  Object.entries(PRODUCTION_MALLOC)
    .map(([name, recommended]) => [name, process.env[name] ?? recommended])
    .filter(([, value]) => value !== ''),
)

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string' },
    only: { type: 'string' },
    json: { type: 'string', default: path.join('test-results', 'bench', 'latest.json') },
    'argon2-seconds': { type: 'string', default: '4' },
    processes: { type: 'string' },
    offers: { type: 'string', default: '10000' },
    busiest: { type: 'string', default: '10000' },
    employers: { type: 'string', default: '100' },
    tsx: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'node-options': { type: 'string', default: PRODUCTION_NODE_OPTIONS },
  },
})

const duration = Number(args.duration)
const connections = Number(args.connections)
const warmup = args.warmup !== undefined ? Number(args.warmup) : Math.min(2, duration / 5)
const argon2Seconds = Number(args['argon2-seconds'])
const databaseUrl = process.env.DATABASE_URL || undefined
const database: 'embedded' | 'postgres' = databaseUrl ? 'postgres' : 'embedded'
const processCounts = (args.processes ?? (databaseUrl ? '1,2' : '1')).split(',').map(Number)
const only = args.only?.split(',').map((s) => s.trim())
const seedOffers = Number(args.offers)
// The benchmark user's business: the queue scenarios' 10,000 offers, whatever the total.
const seedBusiest = Math.min(Number(args.busiest), seedOffers)
const seedEmployers = Number(args.employers)

for (const [name, value] of Object.entries({ duration, connections, warmup, argon2Seconds, offers: seedOffers, busiest: seedBusiest, employers: seedEmployers })) {
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`)
}
if (!databaseUrl && processCounts.some((n) => n > 1)) {
  throw new Error('Several portal processes need PostgreSQL: set DATABASE_URL (the embedded database is one process).')
}
const scenarios = SCENARIOS.filter((s) => !only || only.includes(s.name))
if (only) {
  const unknown = only.filter((n) => n !== 'baseline' && n !== BASELINE_ONE_QUERY.name && !SCENARIOS.some((s) => s.name === n))
  if (unknown.length) throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`)
}

// The portal as production runs it: the build of `npm run build` (plain JavaScript), unless --tsx.
const portalScript = args.tsx ? 'src/server.ts' : buildPortal(path.join('test-results', 'bench', 'dist'))

function buildPortal(outDir: string): string {
  const built = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--out-dir', outDir], { encoding: 'utf8' })
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}${built.stderr}`)
  return path.join(outDir, 'server.js')
}

interface ScenarioResult {
  name: string
  kind: ScenarioKind
  requests: { method: string; path: string }[]
  result: LoadResult
  /** requests/s divided by the baseline's (null for the baseline itself and for sign-in). */
  ratio: number | null
  /** Highest resident memory of the server during this scenario (sum over its processes), MB. */
  peakRssMb: number
  /** The server's CPU time (all its processes and threads) during the measured run, per request served, µs. */
  cpuMicrosPerRequest: number
  target: TargetVerdict | null
}

interface ConfigurationResult {
  name: string
  database: 'embedded' | 'postgres'
  processes: number
  scenarios: ScenarioResult[]
  /** Resident memory once ready, before any load (sum over its processes), MB. */
  idleRssMb: number
  peakRssMb: number
  peakProcessRssMb: number
  /** Kernel high-water mark (VmHWM) summed over the server's processes: includes start-up. */
  highWaterMarkMb: number
  rssTarget: TargetVerdict
}

const progress = (line: string): void => void process.stderr.write(`bench: ${line}\n`)

async function measure(
  s: Scenario<unknown>,
  server: ServerProcess,
  sampler: RssSampler,
): Promise<{ result: LoadResult; peakRssMb: number; cpuMicrosPerRequest: number; requests: ScenarioResult['requests'] }> {
  const client = new SetupClient(server.baseUrl)
  const state = s.setup ? await s.setup(client, { connections }) : undefined
  const requests = requestsFor(s, state)
  progress(`${s.name}: ${requests.map((r) => `${r.method} ${r.path}`).join(', ')} (${duration} s, ${connections} connections)`)
  sampler.reset()
  let cpuAtStart = 0
  const result = await runLoad(
    {
      baseUrl: server.baseUrl,
      requests,
      connections,
      durationSeconds: duration,
      warmupSeconds: warmup,
      expectStatusClass: Math.floor((s.expectStatus ?? 200) / 100),
    },
    () => (cpuAtStart = cpuSeconds(server.pid)),
  )
  const cpuMicrosPerRequest = ((cpuSeconds(server.pid) - cpuAtStart) * 1e6) / Math.max(1, result.requests)
  if (s.teardown) await s.teardown(client, state)
  return { result, peakRssMb: sampler.peakMb(), cpuMicrosPerRequest, requests: requests.map((r) => ({ method: r.method, path: r.path })) }
}

/** VACUUM (ANALYZE) of every table, indexes cleaned, on the benchmark's PostgreSQL database. */
async function vacuumDatabase(url: string): Promise<void> {
  const started = performance.now()
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('vacuum (index_cleanup on, analyze)')
  } finally {
    await client.end()
  }
  progress(`vacuumed the database in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

/** Databases already seeded in this run (PostgreSQL is shared by the 1- and 2-process configurations). */
const seededDatabases = new Set<string>()
/** Benchmark data only: never a production key. */
const BENCH_DATA_KEY = 'be0c'.repeat(16)

async function startPortal(processes: number): Promise<ServerProcess> {
  const port = await freePort()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-bench-'))
  const inherited = { ...process.env }
  for (const name of Object.keys(PRODUCTION_MALLOC)) delete inherited[name]
  const env = {
    ...inherited,
    // As in production: JSON request logs (to /dev/null here), secure headers. A
    // production-only requirement added later can be met from the environment
    // (it is inherited), or set BENCH_NODE_ENV=development.
    SMTP_URL: process.env.SMTP_URL || 'smtp://127.0.0.1:2525',
    ...malloc,
    NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
    // Fixed, not random: the seeded officer's TOTP secret is sealed with it at the first start,
    // and a PostgreSQL database seeded once is benchmarked again (2 processes, later runs).
    DATA_ENCRYPTION_KEY: process.env.DATA_ENCRYPTION_KEY || BENCH_DATA_KEY,
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    PORTAL_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl ?? '',
    WEB_CONCURRENCY: String(processes),
    SEED_DEMO: 'false',
    // The API scenario measures the API, not its rate limit (120 a minute by default).
    API_RATE_LIMIT_PER_MINUTE: '1000000000',
  }
  // Create and migrate the database first, in its own process: creating a fresh
  // embedded database (initdb) leaves ~500 MB resident in the process that did it,
  // which a portal restarted on its existing folder does not carry.
  const migrated = spawnSync(process.execPath, ['--import', 'tsx', 'src/db/migrate-cli.ts'], { env, encoding: 'utf8' })
  if (migrated.status !== 0) fs.rmSync(dataDir, { recursive: true, force: true })
  if (migrated.status !== 0) throw new Error(`npm run migrate failed:\n${migrated.stdout}${migrated.stderr}`)
  // The signed-in scenarios need volume: seeded once per database, in its own process (as `npm run seed:scale`).
  if (scenarios.some((sc) => sc.seeded) && !seededDatabases.has(databaseUrl ?? dataDir)) {
    const started = performance.now()
    const seeded = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/seed-scale.ts', '--employers', String(seedEmployers), '--offers', String(seedOffers), '--busiest', String(seedBusiest), '--prefix', BENCH_SEED.prefix, '--password', BENCH_SEED.password, '--officer-totp', BENCH_SEED.officerTotp, '--api-token', BENCH_SEED.apiToken, '--if-absent'],
      { env, encoding: 'utf8' },
    )
    if (seeded.status !== 0) throw new Error(`seed:scale failed:\n${seeded.stdout}${seeded.stderr}`)
    seededDatabases.add(databaseUrl ?? dataDir)
    const volume = `${seedEmployers} employers and ${seedOffers.toLocaleString('en-CA')} offers (${seedBusiest.toLocaleString('en-CA')} for ${BENCH_SEED.user}'s business)`
    // --if-absent: a PostgreSQL database seeded by an earlier run is used as it is (whatever volume it was given).
    if (seeded.stdout.includes('Already seeded')) console.log(`Already seeded (${BENCH_SEED.user} exists): the database is used as it is, not re-seeded with ${volume}`)
    else console.log(`Seeded ${volume} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  }
  // What autovacuum would have done between a burst of saves and the next reads: the section
  // POST's saves (and earlier runs') leave dead entries at the head of the busiest queue's index.
  if (databaseUrl) await vacuumDatabase(databaseUrl)
  console.log(`Portal: node ${args['node-options'] || '(Node defaults)'} ${portalScript}, MALLOC_ARENA_MAX=${malloc.MALLOC_ARENA_MAX ?? '(glibc default)'}, MALLOC_MMAP_THRESHOLD_=${malloc.MALLOC_MMAP_THRESHOLD_ ?? '(glibc default)'}, ${processes} process${processes > 1 ? 'es' : ''}`)
  const server = await startServer({
    name: `portal (${database}, ${processes} process${processes > 1 ? 'es' : ''})`,
    script: portalScript,
    // A cluster's workers inherit these options, so each process writes its own profile.
    nodeArgs: [
      ...(args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(args['cpu-prof'])] : []),
      ...(args['node-options']?.split(/\s+/).filter(Boolean) ?? []),
    ],
    port,
    readyPath: '/health/ready',
    env,
  }).catch((err: unknown) => {
    fs.rmSync(dataDir, { recursive: true, force: true })
    throw err
  })
  return {
    ...server,
    stop: async () => {
      await server.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-CA', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** Sign-ins per second: the POSTs among the scenario's requests (each connection cycles through them). */
function signInsPerSecond(s: ScenarioResult): number {
  return (s.result.requestsPerSecond * s.requests.filter((r) => r.method === 'POST').length) / Math.max(1, s.requests.length)
}

function printTable(baseline: ScenarioResult, oneQuery: ScenarioResult | null, configurations: ConfigurationResult[], argon2: Argon2Result | null): void {
  const header = ['configuration', 'scenario', 'KB/resp', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'CPU µs/req', 'vs baseline', 'peak RSS MB', 'target', 'result']
  const rows: string[][] = []
  const row = (config: string, s: ScenarioResult): string[] => [
    config,
    s.name,
    fmt(s.result.bytesPerResponse / 1024, 1),
    fmt(s.result.requestsPerSecond),
    fmt(s.result.latencyP50Ms),
    fmt(s.result.latencyP99Ms),
    fmt(s.result.errors),
    fmt(s.cpuMicrosPerRequest),
    // Each sign-in (a form GET, then its POST) is one argon2id hash: hashes/s, set against the in-process maximum.
    s.kind === 'sign-in'
      ? `${fmt(signInsPerSecond(s), 1)} argon2id/s${argon2 ? ` (${fmt((100 * signInsPerSecond(s)) / argon2.concurrentHashesPerSecond)} % of ${fmt(argon2.concurrentHashesPerSecond, 1)})` : ''}`
      : s.ratio === null
        ? '1.00×'
        : `${fmt(s.ratio, 2)}×`,
    fmt(s.peakRssMb),
    s.target?.text ?? '',
    s.target ? (s.target.pass ? 'pass' : 'FAIL') : '',
  ]
  rows.push(row('bare Fastify', baseline))
  if (oneQuery) rows.push(row('bare Fastify + 1 query', oneQuery))
  for (const c of configurations) {
    for (const s of c.scenarios) rows.push(row(c.name, s))
    rows.push([c.name, 'server RSS before load (all processes)', '', '', '', '', '', '', '', fmt(c.idleRssMb), '', ''])
    rows.push([c.name, 'server RSS (peak, one process)', '', '', '', '', '', '', '', fmt(c.peakProcessRssMb), c.rssTarget.text, c.rssTarget.pass ? 'pass' : 'FAIL'])
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i >= 2 && i <= 9 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`
  const out = [line(header), `|${widths.map((w, i) => (i >= 2 && i <= 9 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`, ...rows.map(line)]
  console.log(`\n${out.join('\n')}\n`)
  if (argon2) {
    console.log(
      `argon2id (m=${argon2.setting.memoryCost}, t=${argon2.setting.timeCost}, p=${argon2.setting.parallelism}), in-process: ` +
        `${fmt(argon2.msPerHash, 1)} ms per hash (${fmt(argon2.sequentialHashesPerSecond, 1)}/s one at a time), ` +
        `${fmt(argon2.concurrentHashesPerSecond, 1)}/s with ${argon2.concurrency} in flight\n`,
    )
  }
}

async function main(): Promise<void> {
  const started = new Date()
  const machine = {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryMb: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg(),
  }

  let argon2: Argon2Result | null = null
  if (argon2Seconds > 0) {
    progress(`argon2id for ${argon2Seconds} s, in-process`)
    argon2 = await measureArgon2(argon2Seconds)
  }

  const servers: ServerProcess[] = []
  const stopAll = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()))
  }
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)))
  try {
    const baselinePort = await freePort()
    const baselineServer = await startServer({
      name: 'baseline',
      script: path.join('bench', 'baseline-server.ts'),
      args: [String(baselinePort)],
      port: baselinePort,
      readyPath: '/',
    })
    servers.push(baselineServer)
    const baselineSampler = new RssSampler(baselineServer.pid)
    baselineSampler.start()
    const b = await measure(BASELINE, baselineServer, baselineSampler)
    const baseline: ScenarioResult = { name: BASELINE.name, kind: 'baseline', ratio: null, target: null, ...b }
    // On PostgreSQL, the ceiling for any page that needs the database: the baseline's page after one round trip.
    let oneQuery: ScenarioResult | null = null
    if (databaseUrl && (!only || only.includes(BASELINE_ONE_QUERY.name))) {
      const q = await measure(BASELINE_ONE_QUERY, baselineServer, baselineSampler)
      oneQuery = { name: BASELINE_ONE_QUERY.name, kind: 'baseline', ratio: q.result.requestsPerSecond / baseline.result.requestsPerSecond, target: null, ...q }
    }
    baselineSampler.stop()
    await baselineServer.stop()

    const configurations: ConfigurationResult[] = []
    for (const processes of processCounts) {
      progress(`starting the portal on the ${database} database, ${processes} process(es)`)
      const portal = await startPortal(processes)
      servers.push(portal)
      const sampler = new RssSampler(portal.pid)
      sampler.start()
      const idleRssMb = sampler.peakMb()
      const results: ScenarioResult[] = []
      let peakProcess = 0
      let peakTotal = 0
      for (const s of scenarios) {
        const m = await measure(s, portal, sampler)
        peakProcess = Math.max(peakProcess, sampler.peakProcessMb())
        peakTotal = Math.max(peakTotal, m.peakRssMb)
        const ratio = s.kind === 'sign-in' ? null : m.result.requestsPerSecond / baseline.result.requestsPerSecond
        results.push({
          name: s.name,
          kind: s.kind,
          ratio,
          target: pageTarget(s.kind, database, ratio ?? 0, m.result.latencyP99Ms),
          ...m,
        })
      }
      const highWaterMarkMb = sampler.hwmMb()
      sampler.stop()
      await portal.stop()
      configurations.push({
        name: `portal, ${database === 'embedded' ? 'embedded db' : 'PostgreSQL'}, ${processes}×`,
        database,
        processes,
        scenarios: results,
        idleRssMb,
        peakRssMb: peakTotal,
        peakProcessRssMb: peakProcess,
        highWaterMarkMb,
        rssTarget: rssTarget(peakProcess),
      })
    }

    printTable(baseline, oneQuery, configurations, argon2)
    const report = {
      version: 1,
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      machine,
      options: {
        duration,
        connections,
        warmup,
        database,
        processCounts,
        nodeEnv: process.env.BENCH_NODE_ENV ?? 'production',
        logLevel: process.env.BENCH_LOG_LEVEL ?? 'info',
        nodeOptions: args['node-options'],
        malloc,
      },
      targets: TARGETS,
      argon2,
      baseline,
      baselineOneQuery: oneQuery,
      configurations,
    }
    fs.mkdirSync(path.dirname(args.json!), { recursive: true })
    fs.writeFileSync(args.json!, `${JSON.stringify(report, null, 2)}\n`)
    console.log(`Results written to ${args.json}`)
  } finally {
    await stopAll()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
