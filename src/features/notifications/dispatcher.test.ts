import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { DatabaseHandle } from '../../db/connect.ts'
import { openPostgres } from '../../db/postgres.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { TestClock } from '../../platform/clock.ts'
import { emptyPostgresDatabase, freshDatabase, usingPostgres } from '../../../tests/helpers/database.ts'
import { startSmtpServer, type TestSmtpServer } from '../../../tests/helpers/smtp-server.ts'
import { dispatchOnce, retryDelayMs, startDispatcher, type DispatcherDeps } from './dispatcher.ts'
import { devMailbox, smtpMailer, type Mailer, type OutgoingEmail } from './mailer.ts'
import { notify } from './notify.ts'

const config = {
  publicBaseUrl: 'https://portal.example.ca',
  mailFrom: 'Employer Portal <no-reply@portal.example.ca>',
  mailReplyTo: 'support@portal.example.ca',
}
const MINUTE = 60_000

describe('the e-mail dispatcher, against a real SMTP server', () => {
  let database: DatabaseHandle
  let smtp: TestSmtpServer
  let clock: TestClock
  let mailer: Mailer
  const dispatcher = (worker: string, m: Mailer = mailer): DispatcherDeps => ({ db: database.db, mailer: m, clock, config, worker })

  beforeEach(async () => {
    database = await freshDatabase()
    smtp = await startSmtpServer()
    clock = new TestClock('2026-11-23T15:00:00Z')
    mailer = smtpMailer(smtp.url)
  })
  afterEach(async () => {
    await mailer.close?.()
    await smtp.close()
    await database.close()
  })

  async function queue(to: string, lang: 'en' | 'fr', name: string): Promise<string> {
    const { outboxId } = await notify(database.db, { template: 'welcome', params: { name }, lang, email: { to }, now: clock.now() })
    return outboxId!
  }

  async function outbox(id: string) {
    return database.db.selectFrom('email_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  }

  async function log(id: string) {
    return database.db.selectFrom('email_delivery_log').selectAll().where('outbox_id', '=', id).orderBy('id').execute()
  }

  it('sends each e-mail in its recipient’s language: recipient, subject, text and HTML bodies, link, sender, reply-to, Message-ID', async () => {
    const enId = await queue('ana.silva@example.ca', 'en', 'Ana')
    const frId = await queue('benoit@exemple.ca', 'fr', 'Benoît')
    const report = await dispatchOnce(dispatcher('a'))
    assert.deepEqual(report, { claimed: 2, sent: 2, retried: 0, failed: 0, skipped: 0 })
    assert.equal(smtp.received.length, 2)

    const en = smtp.received.find((m) => m.envelopeTo[0] === 'ana.silva@example.ca')!
    assert.deepEqual(en.envelopeTo, ['ana.silva@example.ca'])
    assert.equal(en.envelopeFrom, 'no-reply@portal.example.ca')
    assert.equal(en.headers.get('to'), 'ana.silva@example.ca')
    assert.equal(en.headers.get('from'), 'Employer Portal <no-reply@portal.example.ca>')
    assert.equal(en.headers.get('reply-to'), 'support@portal.example.ca')
    assert.equal(en.headers.get('subject'), 'Your Employer Portal account is ready')
    assert.equal(en.headers.get('content-language'), 'en')
    assert.equal(en.headers.get('auto-submitted'), 'auto-generated')
    assert.equal(en.headers.get('message-id'), `<${enId}@portal.example.ca>`)
    assert.match(en.text, /^Hello Ana,\n\nYour sign-in account for the Employer Portal is ready\./)
    assert.match(en.text, /\n\nGo to the Employer Portal:\nhttps:\/\/portal\.example\.ca\/en\n/)
    assert.match(en.html, /<html lang="en">/)
    assert.match(en.html, /<p>Hello Ana,<\/p>/)
    assert.match(en.html, /<a href="https:\/\/portal\.example\.ca\/en">/)

    const fr = smtp.received.find((m) => m.envelopeTo[0] === 'benoit@exemple.ca')!
    assert.equal(fr.headers.get('subject'), 'Votre compte du Portail des employeurs est prêt')
    assert.equal(fr.headers.get('content-language'), 'fr')
    assert.equal(fr.headers.get('message-id'), `<${frId}@portal.example.ca>`)
    assert.match(fr.text, /^Bonjour Benoît,\n\nVotre compte de connexion au Portail des employeurs est prêt\./)
    assert.match(fr.text, /\n\nAccédez au Portail des employeurs\s:\nhttps:\/\/portal\.example\.ca\/fr\n/)
    assert.match(fr.html, /<html lang="fr">/)
    assert.match(fr.html, /<p>Bonjour Benoît,<\/p>/)

    for (const id of [enId, frId]) {
      const row = await outbox(id)
      assert.equal(row.status, 'sent')
      assert.equal(row.attempts, 1)
      assert.deepEqual(row.sent_at, clock.now())
      assert.equal(row.lease_until, null)
      assert.deepEqual((await log(id)).map((l) => [l.attempt, l.outcome, l.worker]), [[1, 'sent', 'a']])
    }
    assert.equal((await dispatchOnce(dispatcher('a'))).claimed, 0, 'nothing is sent twice')
    assert.equal(smtp.received.length, 2)
  })

  it('escapes what a user typed in the HTML body', async () => {
    await queue('x@example.ca', 'en', '<img src=x onerror=alert(1)>')
    await dispatchOnce(dispatcher('a'))
    assert.doesNotMatch(smtp.received[0]!.html, /<img/)
    assert.match(smtp.received[0]!.html, /Hello &lt;img src=x onerror=alert\(1\)&gt;,/)
  })

  it('retries a temporary refusal with growing waits, logging each attempt, then sends', async () => {
    const id = await queue('busy@example.ca', 'en', 'Ana')
    smtp.refuse('busy@example.ca', 451)
    assert.equal((await dispatchOnce(dispatcher('a'))).retried, 1)
    let row = await outbox(id)
    assert.equal(row.status, 'pending')
    assert.equal(row.attempts, 1)
    assert.deepEqual(row.next_attempt_at, new Date(clock.now().getTime() + 1 * MINUTE))
    assert.match(row.last_error ?? '', /^451 /)
    assert.equal((await dispatchOnce(dispatcher('a'))).claimed, 0, 'not due before its wait is over')

    clock.advance(1 * MINUTE)
    assert.equal((await dispatchOnce(dispatcher('a'))).retried, 1)
    row = await outbox(id)
    assert.deepEqual(row.next_attempt_at, new Date(clock.now().getTime() + 2 * MINUTE))

    smtp.accept('busy@example.ca')
    clock.advance(2 * MINUTE)
    assert.equal((await dispatchOnce(dispatcher('a'))).sent, 1)
    row = await outbox(id)
    assert.equal(row.status, 'sent')
    assert.equal(row.attempts, 3)
    assert.deepEqual((await log(id)).map((l) => l.outcome), ['retry', 'retry', 'sent'])
    assert.equal(smtp.received.length, 1)
    assert.equal(smtp.received[0]!.headers.get('message-id'), `<${id}@portal.example.ca>`)
  })

  it('marks a permanent refusal (5xx) failed at once and never tries it again', async () => {
    const id = await queue('nobody@example.ca', 'en', 'Ana')
    smtp.refuse('nobody@example.ca', 550)
    assert.equal((await dispatchOnce(dispatcher('a'))).failed, 1)
    const row = await outbox(id)
    assert.equal(row.status, 'failed')
    assert.match(row.last_error ?? '', /^550 /)
    assert.deepEqual((await log(id)).map((l) => l.outcome), ['failed'])
    clock.advance(24 * 60 * MINUTE)
    assert.equal((await dispatchOnce(dispatcher('a'))).claimed, 0)
    assert.equal(smtp.received.length, 0)
  })

  it('gives up after the maximum number of attempts', async () => {
    const id = await queue('busy@example.ca', 'en', 'Ana')
    smtp.refuse('busy@example.ca', 421)
    for (let attempt = 1; attempt <= 3; attempt++) {
      await dispatchOnce(dispatcher('a'), { maxAttempts: 3 })
      clock.advance(retryDelayMs(attempt))
    }
    const row = await outbox(id)
    assert.equal(row.status, 'failed')
    assert.equal(row.attempts, 3)
    assert.deepEqual((await log(id)).map((l) => l.outcome), ['retry', 'retry', 'failed'])
  })

  it('a dispatcher that dies between sending and marking: the e-mail still goes out, re-sent only after the lease, with the same Message-ID', async () => {
    const id = await queue('ana.silva@example.ca', 'en', 'Ana')
    const died = new Error('process killed after the SMTP server said 250')
    await assert.rejects(
      dispatchOnce(dispatcher('doomed'), {
        afterSend: () => {
          throw died
        },
      }),
      died,
    )
    assert.equal(smtp.received.length, 1, 'the e-mail went out before the crash')
    let row = await outbox(id)
    assert.equal(row.status, 'pending', 'the crash left it unmarked')
    assert.equal(row.claimed_by, 'doomed')
    assert.ok(row.lease_until && row.lease_until > clock.now(), 'under a lease committed before the send')

    // While the dead dispatcher's lease lives, nobody else sends it (it might only be slow).
    clock.advance(5 * MINUTE)
    assert.equal((await dispatchOnce(dispatcher('survivor'))).claimed, 0)
    assert.equal(smtp.received.length, 1)

    // Recovery: the lease ran out, the row is due again, and goes out with the same Message-ID.
    clock.advance(6 * MINUTE)
    assert.equal((await dispatchOnce(dispatcher('survivor'))).sent, 1)
    row = await outbox(id)
    assert.equal(row.status, 'sent')
    assert.equal(row.claimed_by, 'survivor')
    assert.equal(row.attempts, 2)
    const ids = smtp.received.map((m) => m.headers.get('message-id'))
    assert.deepEqual(ids, [`<${id}@portal.example.ca>`, `<${id}@portal.example.ca>`])
    const [line] = await log(id)
    assert.deepEqual([line!.attempt, line!.outcome, line!.worker], [2, 'sent', 'survivor'])
    assert.match(line!.detail ?? '', /after an unrecorded attempt by doomed/, 'the log says a duplicate may have gone out')
    assert.equal((await dispatchOnce(dispatcher('doomed'))).claimed, 0, 'and never again')
  })

  it('the same crash with the development mailbox keeps the e-mail once (one row per Message-ID)', async () => {
    const id = await queue('ana.silva@example.ca', 'fr', 'Ana')
    const mailbox = devMailbox(database.db, clock)
    await assert.rejects(
      dispatchOnce(dispatcher('doomed', mailbox), {
        afterSend: () => {
          throw new Error('died')
        },
      }),
    )
    clock.advance(11 * MINUTE)
    assert.equal((await dispatchOnce(dispatcher('survivor', mailbox))).sent, 1)
    const kept = await database.db.selectFrom('dev_mailbox').selectAll().execute()
    assert.equal(kept.length, 1)
    assert.equal(kept[0]!.message_id, `<${id}@portal.example.ca>`)
    assert.equal(kept[0]!.subject, 'Votre compte du Portail des employeurs est prêt')
    assert.equal(kept[0]!.reply_to, 'support@portal.example.ca')
    assert.equal(kept[0]!.lang, 'fr')
  })

  it('does not start a send on a lease about to run out', async () => {
    await queue('a@example.ca', 'en', 'A')
    await queue('b@example.ca', 'en', 'B')
    let sends = 0
    const slow: Mailer = {
      kind: 'test',
      async send(email: OutgoingEmail) {
        sends++
        await mailer.send(email)
        clock.advance(9 * MINUTE) // the first send took nine of the lease's ten minutes
      },
    }
    const report = await dispatchOnce(dispatcher('a', slow))
    assert.deepEqual([report.sent, report.skipped], [1, 1])
    assert.equal(sends, 1)
    clock.advance(2 * MINUTE)
    assert.equal((await dispatchOnce(dispatcher('b'))).sent, 1, 'the skipped one was given back and goes out')
    assert.equal(new Set(smtp.received.map((m) => m.envelopeTo[0])).size, 2)
    const rows = await database.db.selectFrom('email_outbox').select('id').execute()
    for (const { id } of rows) {
      assert.equal((await outbox(id)).attempts, 1, 'a skipped claim is not an attempt')
      assert.equal((await log(id))[0]!.detail, null, 'nor an abandoned one')
    }
  })
})

/** A mailer that counts deliveries per Message-ID, and yields so dispatchers interleave. */
function countingMailer(): Mailer & { counts: Map<string, number> } {
  const counts = new Map<string, number>()
  return {
    kind: 'test',
    counts,
    async send(email) {
      await new Promise((resolve) => setImmediate(resolve))
      counts.set(email.messageId, (counts.get(email.messageId) ?? 0) + 1)
    },
  }
}

async function queueMany(database: DatabaseHandle, n: number, now: Date): Promise<void> {
  for (let i = 0; i < n; i += 100) {
    await database.db
      .insertInto('email_outbox')
      .values(
        Array.from({ length: Math.min(100, n - i) }, (_, k) => ({
          to_address: `person${i + k}@example.ca`,
          lang: (k % 2 ? 'fr' : 'en') as 'en' | 'fr',
          template: 'welcome',
          params: JSON.stringify({ name: `Person ${i + k}` }),
          next_attempt_at: now,
          created_at: now,
        })),
      )
      .execute()
  }
}

async function drain(deps: DispatcherDeps): Promise<number> {
  let sent = 0
  for (;;) {
    const r = await dispatchOnce(deps, { batchSize: 10 })
    if (r.claimed === 0) return sent
    sent += r.sent
  }
}

describe('a dispatcher process that is killed', () => {
  // A real process death needs a database two processes can share: the PostgreSQL tier.
  if (usingPostgres())
    it('on PostgreSQL: killed the instant the SMTP server accepted, the e-mail is sent again after the lease with the same Message-ID', async (t) => {
      const target = await emptyPostgresDatabase(process.env.TEST_DATABASE_URL!)
      const handle = openPostgres(target.url, 2)
      let child: ChildProcess | undefined
      const smtp = await startSmtpServer({ onAccepted: () => child?.kill('SIGKILL') })
      const mailer = smtpMailer(smtp.url)
      try {
        await migrateToLatest(handle.db)
        const now = new Date()
        const { outboxId } = await notify(handle.db, { template: 'welcome', params: { name: 'Ana' }, lang: 'en', email: { to: 'ana@example.ca' }, now })
        child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/dispatch-once-process.ts'], {
          env: { ...process.env, DATABASE_URL: target.url, SMTP_URL: smtp.url, WORKER: 'killed' },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        let output = ''
        child.stdout!.on('data', (d) => (output += d))
        child.stderr!.on('data', (d) => (output += d))
        const [, signal] = (await once(child, 'exit')) as [number | null, string | null]
        assert.equal(signal, 'SIGKILL', output)
        assert.doesNotMatch(output, /done/)
        assert.equal(smtp.received.length, 1, 'the e-mail went out before the process died')
        const before = await handle.db.selectFrom('email_outbox').select(['status', 'lease_until']).where('id', '=', outboxId!).executeTakeFirstOrThrow()

        // Recovery by another dispatcher once the dead one's lease has run out.
        const clock = new TestClock(new Date(now.getTime() + 11 * MINUTE))
        await dispatchOnce({ db: handle.db, mailer, clock, config, worker: 'survivor' })
        const after = await handle.db.selectFrom('email_outbox').select(['status', 'attempts']).where('id', '=', outboxId!).executeTakeFirstOrThrow()
        assert.equal(after.status, 'sent')
        const ids = smtp.received.map((m) => m.headers.get('message-id'))
        assert.ok(ids.every((id) => id === `<${outboxId}@portal.example.ca>`), 'one Message-ID however many times it went out')
        const log = await handle.db.selectFrom('email_delivery_log').selectAll().where('outbox_id', '=', outboxId!).execute()
        t.diagnostic(before.status === 'pending' ? 'the kill beat the mark: re-sent on recovery' : 'the mark committed before the kill landed')
        if (before.status === 'pending') {
          // The usual case: the kill beat the mark.
          assert.ok(before.lease_until, 'left under its lease')
          assert.equal(smtp.received.length, 2)
          assert.equal(after.attempts, 2)
          assert.deepEqual(log.map((l) => [l.outcome, l.worker]), [['sent', 'survivor']])
          assert.match(log[0]!.detail ?? '', /unrecorded attempt by killed/)
        } else {
          // The mark committed before the kill landed: nothing to recover, nothing re-sent.
          assert.equal(smtp.received.length, 1)
          assert.deepEqual(log.map((l) => [l.outcome, l.worker]), [['sent', 'killed']])
        }
      } finally {
        child?.kill('SIGKILL')
        await mailer.close?.()
        await smtp.close()
        await handle.close()
        await target.drop()
      }
    })
})

describe('the dispatcher loop (npm start, npm run worker)', () => {
  it('sends what is queued without being asked, and stop() waits for the round in progress', async () => {
    const database = await freshDatabase()
    try {
      const clock = new TestClock('2026-11-23T15:00:00Z')
      const { outboxId } = await notify(database.db, { template: 'welcome', params: { name: 'Ana' }, lang: 'en', email: { to: 'ana@example.ca' }, now: clock.now() })
      let delivered!: (email: OutgoingEmail) => void
      const got = new Promise<OutgoingEmail>((resolve) => (delivered = resolve))
      const mailer: Mailer = { kind: 'test', send: async (email) => delivered(email) }
      const running = startDispatcher({ db: database.db, mailer, clock, config, worker: 'loop' }, { intervalMs: 60_000 })
      const email = await got
      await running.stop()
      assert.equal(email.to, 'ana@example.ca')
      const row = await database.db.selectFrom('email_outbox').select(['status', 'claimed_by']).where('id', '=', outboxId!).executeTakeFirstOrThrow()
      assert.deepEqual(row, { status: 'sent', claimed_by: 'loop' }, 'marked before stop() returned')
    } finally {
      await database.close()
    }
  })
})

describe('several dispatchers on one database', () => {
  it('two dispatchers on the embedded database deliver 200 e-mails once each', async () => {
    const database = await freshDatabase()
    try {
      const clock = new TestClock('2026-11-23T15:00:00Z')
      await queueMany(database, 200, clock.now())
      const mailer = countingMailer()
      const [a, b] = await Promise.all([
        drain({ db: database.db, mailer, clock, config, worker: 'a' }),
        drain({ db: database.db, mailer, clock, config, worker: 'b' }),
      ])
      assert.equal(a + b, 200)
      assert.equal(mailer.counts.size, 200)
      assert.ok([...mailer.counts.values()].every((c) => c === 1))
      assert.ok(a > 0 && b > 0, `both worked (a=${a}, b=${b})`)
    } finally {
      await database.close()
    }
  })

  // Real contention needs the server: this runs in the PostgreSQL tier (npm run test:db).
  if (usingPostgres())
    it('on PostgreSQL: two dispatchers deliver 1,000 queued e-mails over SMTP exactly once each', async (t) => {
      const database = await freshDatabase()
      const smtp = await startSmtpServer()
      const mailers = [smtpMailer(`${smtp.url}?pool=true`), smtpMailer(`${smtp.url}?pool=true`)]
      try {
        const clock = new TestClock('2026-11-23T15:00:00Z')
        await queueMany(database, 1000, clock.now())
        const started = performance.now()
        const [a, b] = await Promise.all(mailers.map((mailer, i) => drain({ db: database.db, mailer, clock, config, worker: `w${i}` })))
        const seconds = (performance.now() - started) / 1000
        t.diagnostic(`1,000 e-mails by two dispatchers in ${seconds.toFixed(1)} s (a=${a}, b=${b})`)
        assert.equal(a! + b!, 1000)
        assert.equal(smtp.received.length, 1000)
        const ids = new Set(smtp.received.map((m) => m.headers.get('message-id')))
        assert.equal(ids.size, 1000, 'no Message-ID twice')
        const rows = await database.db.selectFrom('email_outbox').select(['status', 'attempts']).execute()
        assert.ok(rows.every((r) => r.status === 'sent' && r.attempts === 1))
        const logged = await database.db.selectFrom('email_delivery_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
        assert.equal(Number(logged.n), 1000)
        assert.ok(a! > 0 && b! > 0, 'both dispatchers took part')
      } finally {
        for (const m of mailers) await m.close?.()
        await smtp.close()
        await database.close()
      }
    })
})
