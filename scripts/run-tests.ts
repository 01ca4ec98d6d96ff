import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { findTests, longestFirst, makeUsesTestDatabase } from './test-selection.ts'

/**
 * Runs one tier of tests with Node's test runner (each file in its own process):
 *   unit  every *.test.ts under src/ and tests/ except tests/e2e (embedded database)
 *   db    those of them that reach tests/helpers/database.ts, against the PostgreSQL server in TEST_DATABASE_URL
 *   e2e   the browser journeys under tests/e2e (skipped loudly without Chromium)
 */
const tier = process.argv[2] ?? 'unit'
const root = process.cwd()

const e2eDir = path.join('tests', 'e2e')
let files: string[]
const env = { ...process.env }
if (tier === 'e2e') {
  // Sorted: zz-template-coverage.test.ts runs last, on its own, and reads what the others checked.
  files = findTests(root, e2eDir).sort()
  // What axe checked is recorded per run (several people may run browser tests in one working tree at once).
  env.AXE_RECORD_DIR = path.join('test-results', 'axe', `run-${process.pid}`)
  fs.rmSync(env.AXE_RECORD_DIR, { recursive: true, force: true })
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!fs.existsSync(chromium)) {
    const line = '!'.repeat(78)
    console.error(`\n${line}\n!! Browser tests SKIPPED: Chromium not found at ${chromium}.\n!! Install it with: apt-get install -y chromium   (.ci/run does this)\n${line}\n`)
    process.exit(0)
  }
} else {
  files = [...findTests(root, 'src'), ...findTests(root, 'tests').filter((f) => !f.startsWith(e2eDir))].sort()
  if (tier === 'db') {
    if (!process.env.TEST_DATABASE_URL) {
      console.error('test:db needs TEST_DATABASE_URL (a PostgreSQL server; .ci/run starts one).')
      process.exit(2)
    }
    const { preparePostgresTemplate } = await import('../tests/helpers/database.ts')
    await preparePostgresTemplate(process.env.TEST_DATABASE_URL)
    // Only the files that can reach PostgreSQL: the others ran in the unit tier, and would only run again.
    const usesTestDatabase = makeUsesTestDatabase(root)
    files = files.filter(usesTestDatabase)
  } else {
    delete env.TEST_DATABASE_URL
  }
}

const only = process.env.TEST_FILTER
if (only) files = files.filter((f) => f.includes(only))
if (files.length === 0) {
  console.error(`No ${tier} test files found.`)
  process.exit(1)
}

// One migrated embedded database for the whole run, which every test process (unit) or
// journey's portal (e2e) starts from: PGlite's initdb and the migrations once, not in each.
let startingDatabase: string | undefined
if (tier === 'unit') {
  const { EMBEDDED_TEMPLATE_ENV, writeEmbeddedTemplate } = await import('../tests/helpers/database.ts')
  startingDatabase = path.join(root, 'test-results', `embedded-template-${process.pid}.tar`)
  await writeEmbeddedTemplate(startingDatabase)
  env[EMBEDDED_TEMPLATE_ENV] = startingDatabase
} else if (tier === 'e2e') {
  const { writeEmbeddedDataFolder } = await import('../tests/helpers/database.ts')
  const { E2E_DATA_TEMPLATE_ENV } = await import('../tests/e2e/helpers/portal.ts')
  startingDatabase = path.join(root, 'test-results', `e2e-data-template-${process.pid}`)
  await writeEmbeddedDataFolder(startingDatabase)
  env[E2E_DATA_TEMPLATE_ENV] = startingDatabase
}

/**
 * Two test files at a time (each in its own process), in every tier: a browser journey keeps
 * about one core busy, its portal and Chromium taking turns, so two journeys share the two
 * cores (three at a time was slower on two cores: the unit tier 415 → 464 s, the browser tier
 * no faster). The browser tier's last files (those that read what the others recorded) run
 * after the rest; the longest files start first (LONGEST_FIRST, scripts/test-selection.ts).
 */
const concurrency = process.env.TEST_CONCURRENCY ?? '2'
const runLast = tier === 'e2e' ? files.filter((f) => path.basename(f).startsWith('zz-')) : []
let status = 0
for (const batch of [longestFirst(files.filter((f) => !runLast.includes(f))), runLast]) {
  if (batch.length === 0) continue
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...batch], { stdio: 'inherit', env })
  status ||= result.status ?? 1
}
if (startingDatabase) fs.rmSync(startingDatabase, { recursive: true, force: true })
process.exit(status)
