import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

/** One message as the SMTP server received it: envelope, decoded headers, text and HTML parts. */
export interface ReceivedMail {
  envelopeFrom: string
  envelopeTo: string[]
  headers: Map<string, string>
  text: string
  html: string
  raw: string
}

export interface TestSmtpServer {
  url: string
  received: ReceivedMail[]
  /** Answers RCPT TO for this address with the given SMTP code (e.g. 550, 451). */
  refuse(address: string, code: number, message?: string): void
  accept(address: string): void
  close(): Promise<void>
}

/** A real SMTP server (the smtp-server package) listening on 127.0.0.1, in this process. */
export async function startSmtpServer(options: { onAccepted?: (mail: ReceivedMail) => void } = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = []
  const refusals = new Map<string, { code: number; message: string }>()
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const refusal = refusals.get(address.address.toLowerCase())
      if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }))
      callback()
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        const mail = {
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          ...parseMessage(raw),
          raw,
        }
        received.push(mail)
        callback()
        // Called right after the "250 OK" is handed to the socket (tests kill the sender here).
        options.onAccepted?.(mail)
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuse: (address, code, message = code >= 500 ? 'Mailbox unavailable' : 'Try again later') =>
      refusals.set(address.toLowerCase(), { code, message }),
    accept: (address) => refusals.delete(address.toLowerCase()),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

function splitHead(raw: string): { head: Map<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n')
  const headText = at === -1 ? raw : raw.slice(0, at)
  const body = at === -1 ? '' : raw.slice(at + 4)
  const head = new Map<string, string>()
  for (const line of headText.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) head.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()))
  }
  return { head, body }
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=), adjacent ones joined. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_w, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    )
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = []
  const s = text.replace(/=\r?\n/g, '')
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16))
      i += 2
    } else bytes.push(...Buffer.from(s[i]!, 'utf8'))
  }
  return Buffer.from(bytes).toString('utf8')
}

function decodeBody(head: Map<string, string>, body: string): string {
  const encoding = (head.get('content-transfer-encoding') ?? '7bit').toLowerCase()
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body)
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  return body
}

function parseMessage(raw: string): { headers: Map<string, string>; text: string; html: string } {
  const { head, body } = splitHead(raw)
  let text = ''
  let html = ''
  const visit = (h: Map<string, string>, b: string) => {
    const type = h.get('content-type') ?? 'text/plain'
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1]
    if (type.toLowerCase().startsWith('multipart/') && boundary) {
      for (const part of b.split(`--${boundary}`).slice(1)) {
        if (part.startsWith('--')) break
        const p = splitHead(part.replace(/^\r\n/, ''))
        visit(p.head, p.body.replace(/\r\n$/, ''))
      }
    } else if (type.toLowerCase().startsWith('text/html')) html = decodeBody(h, b)
    else if (type.toLowerCase().startsWith('text/plain')) text = decodeBody(h, b)
  }
  visit(head, body)
  return { headers: head, text: text.replace(/\r\n/g, '\n'), html: html.replace(/\r\n/g, '\n') }
}
