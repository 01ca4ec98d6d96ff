import crypto from 'node:crypto'
import { Secret, TOTP } from 'otpauth'

const ISSUER = 'Employer Portal'

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

function totpFor(secret: string, label: string): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) })
}

/** The current code (tests, and nothing else). */
export function totpCode(secret: string, now: Date): string {
  return totpFor(secret, 'x').generate({ timestamp: now.getTime() })
}

/**
 * Checks a 6-digit code against the clock, one step either side. Returns the
 * time step used, so a code cannot be replayed (the caller keeps the last step).
 */
export function checkTotp(secret: string, code: string, now: Date): number | undefined {
  const clean = code.replace(/\s+/g, '')
  if (!/^\d{6}$/.test(clean)) return undefined
  const delta = totpFor(secret, 'x').validate({ token: clean, timestamp: now.getTime(), window: 1 })
  if (delta === null) return undefined
  return Math.floor(now.getTime() / 30_000) + delta
}

export async function totpQrDataUrl(secret: string, username: string): Promise<string> {
  const { default: QRCode } = await import('qrcode') // at the first enrolment, not at start
  return QRCode.toDataURL(totpFor(secret, username).toString(), { margin: 1, width: 220 })
}

/** Spaced for typing: "ABCD EFGH …". */
export function formatKey(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim()
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

/** Ten codes like "k7mq-2xtd-9pwa". */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: 10 }, () => {
    const chars = Array.from(crypto.randomBytes(12), (b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('')
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`
  })
}

export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '').replace(/^(.{4})(.{4})(.{4})$/, '$1-$2-$3')
}
