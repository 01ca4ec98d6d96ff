import type { Transporter } from 'nodemailer'
import type { Db } from '../../db/connect.ts'
import type { Clock } from '../../platform/clock.ts'

/** One e-mail, fully rendered, with the Message-ID that identifies it on every attempt. */
export interface OutgoingEmail {
  messageId: string
  from: string
  replyTo?: string
  to: string
  lang: 'en' | 'fr'
  subject: string
  text: string
  html: string
}

/** The port the dispatcher sends through: one message per call; throws when it was not accepted. */
export interface Mailer {
  readonly kind: 'smtp' | 'dev-mailbox' | 'test'
  send(email: OutgoingEmail): Promise<void>
  close?(): Promise<void>
}

/**
 * A refusal that no retry will cure (the server answered 5xx: no such mailbox,
 * address refused). Anything else — timeouts, 4xx, connection lost — is retried.
 */
export function isPermanentFailure(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode
  return typeof code === 'number' && code >= 500 && code < 600
}

/**
 * SMTP through nodemailer; `url` is SMTP_URL, e.g. smtp://user:pass@mail.example.ca:587 (add
 * ?pool=true to reuse connections). nodemailer (~3 MB of heap) is imported at the first send.
 */
export function smtpMailer(url: string): Mailer {
  let transport: Promise<Transporter> | undefined
  // Bounded timeouts (the URL may override them): a send gives up well inside the
  // dispatcher's claim lease, so a slow server cannot outlive the claim.
  const transporter = (): Promise<Transporter> =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport({ url, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 })))
  return {
    kind: 'smtp',
    async send(email) {
      await (await transporter()).sendMail({
        messageId: email.messageId,
        from: email.from,
        replyTo: email.replyTo,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        headers: { 'Content-Language': email.lang, 'Auto-Submitted': 'auto-generated' },
      })
    },
    async close() {
      if (transport) (await transport).close()
    },
  }
}

/**
 * The embedded default when no SMTP server is configured: e-mails are kept in the
 * `dev_mailbox` table and read at /dev/mailbox. One row per Message-ID, so a
 * re-sent e-mail (a dispatcher that died after sending) shows once.
 */
export function devMailbox(db: Db, clock: Clock): Mailer {
  return {
    kind: 'dev-mailbox',
    async send(email) {
      await db
        .insertInto('dev_mailbox')
        .values({
          message_id: email.messageId,
          from_address: email.from,
          reply_to: email.replyTo ?? null,
          to_address: email.to,
          lang: email.lang,
          subject: email.subject,
          text_body: email.text,
          html_body: email.html,
          received_at: clock.now(),
        })
        .onConflict((oc) => oc.column('message_id').doNothing())
        .execute()
    },
  }
}

/** SMTP when SMTP_URL is set (always in production), else the development mailbox. */
export function mailerFor(config: { smtpUrl: string | undefined }, db: Db, clock: Clock): Mailer {
  return config.smtpUrl ? smtpMailer(config.smtpUrl) : devMailbox(db, clock)
}
