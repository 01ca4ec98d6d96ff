import { openPostgres } from '../../src/db/postgres.ts'
import { dispatchOnce } from '../../src/features/notifications/dispatcher.ts'
import { smtpMailer } from '../../src/features/notifications/mailer.ts'
import { systemClock } from '../../src/platform/clock.ts'

/**
 * One dispatcher round in a process of its own (DATABASE_URL, SMTP_URL, WORKER), for
 * tests that kill it mid-round. Prints "done" if it lives to the end.
 */
const handle = openPostgres(process.env.DATABASE_URL!, 2)
const mailer = smtpMailer(process.env.SMTP_URL!)
const config = { publicBaseUrl: 'https://portal.example.ca', mailFrom: 'Employer Portal <no-reply@portal.example.ca>', mailReplyTo: undefined }
await dispatchOnce({ db: handle.db, mailer, clock: systemClock, config, worker: process.env.WORKER ?? 'child' })
await mailer.close?.()
await handle.close()
console.log('done')
