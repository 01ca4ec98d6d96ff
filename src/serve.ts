import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.ts'
import { followPrimary, graceOptions } from './cluster.ts'
import type { Config } from './config.ts'
import { openDatabase } from './db/connect.ts'
import { migrateToLatest } from './db/migrate.ts'
import { startEmbeddedMaintenance } from './db/embedded-maintenance.ts'
import { demoSignInsText, seedDemo } from './features/demo/demo-seed.ts'
import { startConfiguredDispatcher } from './features/notifications/dispatcher.ts'
import { startExportWorker } from './features/console/inspection.service.ts'
import { describeImport, loadNocIfEmpty } from './features/reference/noc.service.ts'
import { systemClock, TestClock } from './platform/clock.ts'
import { logOutput } from './platform/log-output.ts'
import { sealStoredTotpSecrets, type TotpSecrets } from './features/auth/totp-secrets.ts'

/**
 * One serving process (the only one, or a cluster worker): database, migrations, reference
 * data, then listen; SIGTERM/SIGINT finish in-flight requests. `src/server.ts` imports this
 * only once it knows it serves, so a cluster's primary never loads the application.
 */
export async function serve(config: Config, totpSecrets: TotpSecrets): Promise<void> {
  const database = await openDatabase(config)
  // Browser tests may move time (PORTAL_TEST_CLOCK; refused in production).
  const clock = config.testClock ? new TestClock(new Date()) : systemClock
  if (config.runMigrations) await migrateToLatest(database.db)
  // The NOC 2021 list ships with the portal: loaded once, on a database that has none.
  const noc = await loadNocIfEmpty(database.db)
  if (noc) console.log(`NOC 2021 occupations loaded: ${describeImport(noc)}`)
  // Development only: demo accounts, printed below (production never seeds).
  if (config.seedDemo && !config.isProduction) await seedDemo(database.db, clock.now())
  // TOTP secrets still in the clear are sealed; a DATA_ENCRYPTION_KEY that does not open the sealed ones stops here.
  const totp = await sealStoredTotpSecrets(database.db, totpSecrets)
  if (totp.sealed) console.log(`Sealed ${totp.sealed} TOTP secret(s) stored in the clear or with DATA_ENCRYPTION_KEY_PREVIOUS.`)
  const log = logOutput(config.logFlushMs)
  const app = await buildApp({ config, db: database.db, clock: clock, logStream: log.stream })
  // The e-mail outbox dispatcher runs here unless `npm run worker` does it (RUN_MAIL_DISPATCHER=false).
  const mail = config.runMailDispatcher ? startConfiguredDispatcher(config, database.db, clock, app.log) : undefined
  // Large inspection exports likewise: here, unless `npm run worker` makes them.
  const exports = config.runMailDispatcher ? startExportWorker(database.db, clock, app.log, `web-${process.pid}`) : undefined
  // The embedded database has no autovacuum: the portal vacuums and analyzes it hourly.
  const maintenance = startEmbeddedMaintenance(database, { log: app.log })

  const closer = closeWithGrace({ delay: 10_000, ...graceOptions() }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an error')
    else app.log.info({ signal }, 'closing')
    await app.close()
    await mail?.stop()
    await exports?.stop()
    await maintenance.stop()
    await database.close()
    log.close()
  })
  followPrimary(closer)

  await app.listen({ port: config.port, host: config.host })
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${config.dataDir}`
  console.log(`\nEmployer Portal: ${config.publicBaseUrl}  (English: /en, français : /fr), on ${where}\n`)
  if (config.seedDemo && !config.isProduction) console.log(`${demoSignInsText(config.publicBaseUrl)}\n`)
}
