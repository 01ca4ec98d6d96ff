import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomInt } from 'node:crypto'

/**
 * PINs: random, from an alphabet without look-alikes (no 0/O, 1/I/L), typed in any
 * case and with any spaces or hyphens. 10 characters of 31 give ~49.5 bits.
 *
 * Storage: a PIN is found by `pinHash` (HMAC-SHA256 under a key derived from the
 * session secret), so the table holds no PIN in the clear and a stolen copy of the
 * database alone cannot be searched by guessing. While the PIN is unused the primary
 * user may see it again (the "Manage access" table), so it is also kept sealed
 * (AES-256-GCM, another derived key); the sealed copy is erased when the PIN is used,
 * locked, revoked, re-issued or expires, after which only the hash remains.
 */
export const PIN_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
export const PIN_LENGTH = 10
export const PIN_TTL_MS = 30 * 24 * 60 * 60_000
export const PIN_MAX_ATTEMPTS = 5

export function generatePin(): string {
  let pin = ''
  for (let i = 0; i < PIN_LENGTH; i++) pin += PIN_ALPHABET[randomInt(PIN_ALPHABET.length)]
  return pin
}

/** What the person typed, reduced to the PIN's characters: upper case, no spaces or hyphens. */
export function normalizePin(input: string): string {
  return input.toUpperCase().replace(/[\s\-‐‑–—]+/g, '')
}

/** Grouped for reading aloud or copying: "ABCD-EFGH-JK". */
export function formatPin(pin: string): string {
  return pin.match(/.{1,4}/g)?.join('-') ?? pin
}

export interface PinKeys {
  hashKey: Buffer
  sealKey: Buffer
  /** Keys of the secrets used before (SESSION_SECRET_PREVIOUS): PINs issued under them are still found and opened. */
  previous?: PinKeys[]
}

export function pinKeys(secret: string, previousSecrets: readonly string[] = []): PinKeys {
  const derive = (s: string, info: string) => Buffer.from(hkdfSync('sha256', s, 'employer-portal-access-pin', info, 32))
  const one = (s: string): PinKeys => ({ hashKey: derive(s, 'pin-hash'), sealKey: derive(s, 'pin-seal') })
  return { ...one(secret), previous: previousSecrets.map(one) }
}

/** The PIN's hash under the current key, then under each previous one (newest first): where to look it up. */
export function pinHashes(keys: PinKeys, pin: string): string[] {
  return [keys, ...(keys.previous ?? [])].map((k) => pinHash(k, pin))
}

export function pinHash(keys: PinKeys, pin: string): string {
  return createHmac('sha256', keys.hashKey).update(normalizePin(pin)).digest('base64url')
}

export function sealPin(keys: PinKeys, pin: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', keys.sealKey, iv)
  const data = Buffer.concat([cipher.update(pin, 'utf8'), cipher.final()])
  return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.')
}

/** The PIN, or undefined when the sealed copy cannot be opened (e.g. the secret changed). */
export function unsealPin(keys: PinKeys, sealed: string): string | undefined {
  for (const k of [keys, ...(keys.previous ?? [])]) {
    const plain = unsealWith(k, sealed)
    if (plain !== undefined) return plain
  }
  return undefined
}

function unsealWith(keys: PinKeys, sealed: string): string | undefined {
  try {
    const [iv, tag, data] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'))
    const decipher = createDecipheriv('aes-256-gcm', keys.sealKey, iv!)
    decipher.setAuthTag(tag!)
    return Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8')
  } catch {
    return undefined
  }
}
