import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { ARGON2_SETTING } from '../../src/features/auth/passwords.ts'
import { emptyPostgresDatabase, usingPostgres } from '../helpers/database.ts'

/**
 * A few-second run of `npm run bench` (bench/run.ts): two scenarios for about a
 * second each, plus the baseline and a short argon2id measurement. It checks the
 * harness end to end and the shape of its JSON, with non-zero throughput; it asserts
 * no speed (the machine is shared), only that everything was measured.
 */
// Runs on the embedded database whatever the tier: once, in the first tier (not again in CI's PostgreSQL tier).
if (!usingPostgres()) test('the benchmark harness measures the baseline and two portal scenarios and writes its JSON', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'))
  const json = path.join(dir, 'bench.json')
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/run.ts', '--tsx', '--duration', '1', '--warmup', '0', '--connections', '8', '--only', 'home,stylesheet', '--argon2-seconds', '0.4', '--json', json],
    // Development mode, so that a production-only setting someone adds later cannot break this test.
    { env: { ...process.env, DATABASE_URL: '', BENCH_NODE_ENV: 'development' }, encoding: 'utf8', timeout: 120_000 },
  )
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`)
  assert.match(run.stdout, /\| bare Fastify +\| baseline/)

  const report = JSON.parse(fs.readFileSync(json, 'utf8'))
  fs.rmSync(dir, { recursive: true, force: true })
  assert.equal(report.version, 1)
  assert.equal(report.options.database, 'embedded')
  assert.ok(report.machine.cpus >= 1 && report.machine.node.startsWith('v'))

  assert.ok(report.argon2.sequentialHashesPerSecond > 0)
  assert.ok(report.argon2.concurrentHashesPerSecond > 0)
  assert.deepEqual(
    { m: report.argon2.setting.memoryCost, t: report.argon2.setting.timeCost, p: report.argon2.setting.parallelism },
    { m: ARGON2_SETTING.memoryCost, t: ARGON2_SETTING.timeCost, p: ARGON2_SETTING.parallelism },
  )

  assert.ok(report.baseline.result.requestsPerSecond > 0)
  assert.ok(report.baseline.cpuMicrosPerRequest > 0, "the baseline server's CPU time per request was read")
  assert.equal(report.baseline.result.errors, 0)

  assert.equal(report.configurations.length, 1)
  const [portal] = report.configurations
  assert.equal(portal.processes, 1)
  assert.deepEqual(
    portal.scenarios.map((s: { name: string }) => s.name),
    ['home', 'stylesheet'],
  )
  for (const s of portal.scenarios) {
    assert.ok(s.result.requestsPerSecond > 0, `${s.name} served requests`)
    assert.equal(s.result.errors, 0, `${s.name} had no errors`)
    assert.ok(s.result.latencyP99Ms >= s.result.latencyP50Ms)
    assert.equal(typeof s.ratio, 'number')
    assert.ok(s.peakRssMb > 0)
    assert.ok(s.cpuMicrosPerRequest > 0, `${s.name}: the portal's CPU time per request was read`)
  }
  const [home, stylesheet] = portal.scenarios
  assert.equal(home.requests[0].path, '/en')
  assert.match(stylesheet.requests[0].path, /^\/assets\/portal-[0-9a-f]{12}\.css$/)
  assert.equal(typeof home.target.pass, 'boolean')
  assert.equal(stylesheet.target, null)
  assert.ok(portal.peakProcessRssMb > 0)
  assert.equal(typeof portal.rssTarget.pass, 'boolean')
})

// In the PostgreSQL tier: the ceiling row (the baseline's page after one round trip) and a portal on PostgreSQL.
if (usingPostgres()) test('on PostgreSQL the benchmark also measures the baseline after one round trip, as a ratio', async () => {
  const database = await emptyPostgresDatabase(process.env.TEST_DATABASE_URL!)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'))
  try {
    const json = path.join(dir, 'bench.json')
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--tsx', '--duration', '1', '--warmup', '0', '--connections', '8', '--only', 'baseline-one-query,about', '--processes', '1', '--argon2-seconds', '0', '--json', json],
      { env: { ...process.env, DATABASE_URL: database.url, BENCH_NODE_ENV: 'development' }, encoding: 'utf8', timeout: 120_000 },
    )
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`)
    assert.match(run.stdout, /\| bare Fastify \+ 1 query +\| baseline-one-query/)
    const report = JSON.parse(fs.readFileSync(json, 'utf8'))
    assert.equal(report.options.database, 'postgres')
    const oneQuery = report.baselineOneQuery
    assert.equal(oneQuery.requests[0].path, '/one-query')
    assert.ok(oneQuery.result.requestsPerSecond > 0)
    assert.equal(oneQuery.result.errors, 0)
    assert.equal(oneQuery.ratio, oneQuery.result.requestsPerSecond / report.baseline.result.requestsPerSecond)
    assert.deepEqual(report.configurations[0].scenarios.map((s: { name: string }) => s.name), ['about'])
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
    await database.drop()
  }
})
