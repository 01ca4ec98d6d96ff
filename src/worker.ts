import closeWithGrace from 'close-with-grace'
import { pino } from 'pino'
import { ConfigError, loadConfig } from './config.ts'
import { DataDirInUseError, openDatabase } from './db/connect.ts'
import { migrateToLatest } from './db/migrate.ts'
import { startConfiguredDispatcher } from './features/notifications/dispatcher.ts'
import { startExportWorker } from './features/console/inspection.service.ts'
import { startDormancyJob } from './features/access/dormancy.service.ts'
import { systemClock } from './platform/clock.ts'

/**
 * `npm run worker`: the e-mail outbox dispatcher on its own, for a scaled deployment
 * (run the web processes with RUN_MAIL_DISPATCHER=false, and as many workers as you
 * like: they claim rows with FOR UPDATE SKIP LOCKED and never send one e-mail twice).
 * Needs PostgreSQL (DATABASE_URL) when a portal is running: the embedded database
 * belongs to one process.
 */
async function main(): Promise<void> {
  const config = loadConfig()
  const log = pino({ level: config.logLevel, base: { process: 'mail-worker' } })
  const database = await openDatabase(config)
  if (config.runMigrations) await migrateToLatest(database.db)
  const dispatcher = startConfiguredDispatcher(config, database.db, systemClock, log)
  // Inspection exports too large to make during a request (claimed with a lease; several workers share them).
  const exports = startExportWorker(database.db, systemClock, log, `worker-${process.pid}`)
  // The dormancy job (warnings, dormancy, businesses following their primary user): a pass now, then hourly.
  const dormancy = startDormancyJob({ db: database.db, clock: systemClock, timeZone: config.timeZone }, { log })
  log.info({ smtp: !!config.smtpUrl }, config.smtpUrl ? 'e-mail worker started: sending through SMTP' : 'e-mail worker started: development mailbox (no SMTP_URL)')

  closeWithGrace({ delay: 30_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'closing after an error')
    else log.info({ signal }, 'closing')
    await dispatcher.stop()
    await exports.stop()
    await dormancy.stop()
    await database.close()
  })
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DataDirInUseError) {
    console.error(err.message)
  } else {
    console.error(err)
  }
  process.exit(1)
})
