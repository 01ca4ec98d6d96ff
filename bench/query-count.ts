import { testApp, type TestApp } from '../tests/helpers/app.ts'
import { TestClient } from '../tests/helpers/http.ts'
import { businessWithPrimary, startOffer } from '../tests/helpers/offers.ts'
import { recordStatements } from '../tests/helpers/sent-statements.ts'
import { registerSignInAs, signInAs } from '../tests/helpers/sign-in-as.ts'

/**
 * `npx tsx bench/query-count.ts [-v] [--requests 50]`: how many SQL statements a
 * signed-in page sends, in process (`app.inject`, no network), and how long it takes.
 * On the embedded database by default; on PostgreSQL with TEST_DATABASE_URL (a server
 * whose `portal_test_template` database is migrated, as `npm run test:db` leaves it).
 * `-v` prints the statements of one request.
 */
const verbose = process.argv.includes('-v')
const n = Number(process.argv[process.argv.indexOf('--requests') + 1]) || 50

const t: TestApp = await testApp({ config: { logLevel: 'silent' }, configure: (app) => registerSignInAs(app, () => t) })
try {
  const { userId } = await businessWithPrimary(t, 'query-count', '123456789', 'Query Count Inc.')
  const client = new TestClient(t.app)
  await signInAs(client, userId)
  const offerId = await startOffer(client)
  console.log(`${t.database.kind} database, ${n} requests each after one not counted\n`)
  console.log('| page | queries per request | ms per request |\n|---|---:|---:|')
  // (/en sends a signed-in person on to /en/home: not a page of theirs to count.)
  for (const path of ['/en/home', '/en/offers', `/en/offers/${offerId}/job`, '/en/messages']) {
    await client.get(path)
    const recording = recordStatements()
    const started = performance.now()
    for (let i = 0; i < n; i++) {
      const res = await client.get(path)
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`)
    }
    const ms = (performance.now() - started) / n
    recording.stop()
    const statements = recording.sent.map((x) => x.text.replace(/\s+/g, ' ').slice(0, 300))
    console.log(`| GET ${path.replace(offerId, ':id')} | ${(statements.length / n).toFixed(1)} | ${ms.toFixed(2)} |`)
    if (verbose) for (const s of statements.slice(0, Math.ceil(statements.length / n))) console.log(`|   ${s} | | |`)
  }
} finally {
  await t.close()
}
