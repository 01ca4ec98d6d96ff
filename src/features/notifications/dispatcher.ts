import crypto from 'node:crypto'
import os from 'node:os'
import type { Db } from '../../db/connect.ts'
import type { Clock } from '../../platform/clock.ts'
import { isPermanentFailure, mailerFor, type Mailer } from './mailer.ts'
import { claimDueEmails, recordAttempt, releaseClaim } from './notifications.repository.ts'
import type { OutboxRow } from './notifications.tables.ts'
import { renderEmail, UnknownTemplateError } from './render.ts'

/**
 * The outbox dispatcher. Delivery is at-least-once with a stable identity:
 *
 * 1. Claim: in a short transaction, due rows are picked with FOR UPDATE SKIP LOCKED
 *    and given a lease (`lease_until`), this dispatcher's name and, on the first claim,
 *    a Message-ID derived from the row id. The claim COMMITS before any e-mail is sent,
 *    so another dispatcher (another process, another machine) sees the lease and
 *    leaves the row alone, and never waits on it.
 * 2. Send: each row is rendered in its recipient's language and handed to the Mailer,
 *    with the Message-ID fixed in step 1. A row whose lease is about to run out is not
 *    sent (it is given back for a later claim), so a send never starts on a lease that could
 *    expire before the SMTP timeouts (below) give up.
 * 3. Mark: sent / retry later (exponential backoff) / failed for good (5xx refusal,
 *    unknown template, too many attempts), with a line in `email_delivery_log`; the
 *    update applies only while this dispatcher still holds the claim.
 *
 * A dispatcher that dies between 2 and 3 leaves a pending row under a lease. When the
 * lease runs out the row is due again and the next claim sends it again — with the
 * same Message-ID (its delivery-log line names the dispatcher whose attempt went
 * unrecorded), so the e-mail does go out, and a receiving system that keeps one
 * message per Message-ID (our development mailbox; mail stores and clients that
 * de-duplicate) shows it once. Exactly-once over SMTP is impossible (the server's
 * "250 OK" and our commit cannot be one atomic step); this narrows the window to the
 * instant between them and makes a repeat recognisable. While the lease lives, no
 * other dispatcher sends the row, so several dispatchers never send it twice.
 */

export interface DispatcherDeps {
  db: Db
  mailer: Mailer
  clock: Clock
  config: { publicBaseUrl: string; mailFrom: string; mailReplyTo: string | undefined }
  /** This dispatcher's name in claims and the delivery log; default host:pid:random. */
  worker?: string
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
}

export interface DispatchOptions {
  batchSize?: number
  /** How long a claim lasts; must exceed a whole batch's worst-case send time. */
  leaseMs?: number
  /** Do not start a send with less than this left on the lease. */
  sendMarginMs?: number
  maxAttempts?: number
  /**
   * Called after the Mailer accepted an e-mail and before it is marked sent: the one
   * instant a crash duplicates a send. Tests throw here to act out that crash.
   */
  afterSend?: (row: OutboxRow) => void | Promise<void>
}

export interface DispatchReport {
  claimed: number
  sent: number
  retried: number
  failed: number
  skipped: number
}

export const DEFAULTS = { batchSize: 20, leaseMs: 10 * 60_000, sendMarginMs: 2 * 60_000, maxAttempts: 10 } as const

const MINUTE = 60_000
/** Wait before attempt n+1 after n failed attempts: 1, 2, 4 … minutes, at most 6 hours. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(MINUTE * 2 ** Math.max(0, failedAttempts - 1), 6 * 60 * MINUTE)
}

/** The domain of MAIL_FROM (else of the public address) for Message-IDs: `<outbox-id@domain>`. */
export function messageIdDomain(config: { mailFrom: string; publicBaseUrl: string }): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(config.mailFrom)
  if (match?.[1]) return match[1].toLowerCase()
  return new URL(config.publicBaseUrl).hostname
}

export function defaultWorkerName(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { responseCode?: number }).responseCode
    return (code ? `${code} ` : '') + err.message.slice(0, 500)
  }
  return String(err).slice(0, 500)
}

/** One claim-send-mark round over at most one batch. */
export async function dispatchOnce(deps: DispatcherDeps, options: DispatchOptions = {}): Promise<DispatchReport> {
  const o = { ...DEFAULTS, ...options }
  const worker = deps.worker ?? (deps.worker = defaultWorkerName())
  const now = deps.clock.now()
  const rows = await claimDueEmails(deps.db, {
    now,
    leaseUntil: new Date(now.getTime() + o.leaseMs),
    worker,
    limit: o.batchSize,
    messageIdDomain: messageIdDomain(deps.config),
  })
  const report: DispatchReport = { claimed: rows.length, sent: 0, retried: 0, failed: 0, skipped: 0 }
  for (const row of rows) {
    if (deps.clock.now().getTime() > row.lease_until!.getTime() - o.sendMarginMs) {
      await releaseClaim(deps.db, row.id, worker)
      report.skipped++
      continue
    }
    let email
    try {
      email = renderEmail(row.template, row.lang, row.params, deps.config.publicBaseUrl)
    } catch (err) {
      if (!(err instanceof UnknownTemplateError)) throw err
      await recordAttempt(deps.db, row, worker, { kind: 'failed', at: deps.clock.now(), error: err.message })
      report.failed++
      continue
    }
    try {
      await deps.mailer.send({
        messageId: row.message_id!,
        from: deps.config.mailFrom,
        replyTo: deps.config.mailReplyTo,
        to: row.to_address,
        lang: row.lang,
        ...email,
      })
    } catch (err) {
      const at = deps.clock.now()
      const error = describe(err)
      if (isPermanentFailure(err) || row.attempts >= o.maxAttempts) {
        deps.log?.error({ outboxId: row.id, attempt: row.attempts, error }, 'e-mail failed for good')
        await recordAttempt(deps.db, row, worker, { kind: 'failed', at, error })
        report.failed++
      } else {
        deps.log?.warn({ outboxId: row.id, attempt: row.attempts, error }, 'e-mail not sent; will retry')
        await recordAttempt(deps.db, row, worker, { kind: 'retry', at, error, nextAttemptAt: new Date(at.getTime() + retryDelayMs(row.attempts)) })
        report.retried++
      }
      continue
    }
    await o.afterSend?.(row)
    await recordAttempt(deps.db, row, worker, { kind: 'sent', at: deps.clock.now() })
    report.sent++
  }
  return report
}

export interface RunningDispatcher {
  /** Look for work now rather than at the next interval. */
  wake(): void
  /** Stops after the round in progress (shutdown). */
  stop(): Promise<void>
}

/** The loop `npm start` and `npm run worker` run: rounds until the outbox is drained, then a pause. */
export function startDispatcher(deps: DispatcherDeps, options: DispatchOptions & { intervalMs?: number } = {}): RunningDispatcher {
  const intervalMs = options.intervalMs ?? 2_000
  deps.worker ??= defaultWorkerName()
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined

  async function round(): Promise<void> {
    try {
      while (!stopped) {
        const report = await dispatchOnce(deps, options)
        if (report.claimed === 0 || report.claimed === report.skipped) break
      }
    } catch (err) {
      deps.log?.error({ err }, 'e-mail dispatcher round failed')
    }
  }
  function schedule(delay: number): void {
    if (stopped) return
    timer = setTimeout(() => {
      running = round().finally(() => {
        running = undefined
        schedule(intervalMs)
      })
    }, delay)
  }
  schedule(0)
  return {
    wake() {
      if (stopped || running) return
      clearTimeout(timer)
      schedule(0)
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
      await deps.mailer.close?.()
    },
  }
}

/**
 * The dispatcher as `npm start` and `npm run worker` run it: through SMTP when
 * SMTP_URL is set, else into the development mailbox.
 */
export function startConfiguredDispatcher(
  config: { smtpUrl: string | undefined; publicBaseUrl: string; mailFrom: string; mailReplyTo: string | undefined },
  db: Db,
  clock: Clock,
  log: DispatcherDeps['log'],
  options: DispatchOptions & { intervalMs?: number } = {},
): RunningDispatcher {
  return startDispatcher({ db, mailer: mailerFor(config, db, clock), clock, config, log }, options)
}
