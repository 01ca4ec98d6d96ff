import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { ConfigError, type Config } from '../config.ts'

/**
 * The data encryption key: 32 bytes that seal secrets the portal must read back (TOTP
 * secrets) with AES-256-GCM. From `DATA_ENCRYPTION_KEY`; production refuses to start
 * without it. Outside production, when unset, a random key is made once and kept in
 * `PORTAL_DATA_DIR/data-encryption.key` (mode 600), beside the embedded database but not
 * inside it, so a backup of the database alone does not carry it.
 */
export const DEV_KEY_FILE = 'data-encryption.key'

export function resolveDataKey(config: Pick<Config, 'dataEncryptionKey' | 'isProduction' | 'dataDir'>): Buffer {
  if (config.dataEncryptionKey) return config.dataEncryptionKey
  if (config.isProduction) {
    throw new ConfigError(['DATA_ENCRYPTION_KEY is required when NODE_ENV=production (32 random bytes: openssl rand -hex 32)'])
  }
  const file = path.join(config.dataDir, DEV_KEY_FILE)
  fs.mkdirSync(config.dataDir, { recursive: true })
  try {
    // 'wx': two processes starting at once cannot both write a different key.
    fs.writeFileSync(file, crypto.randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  const text = fs.readFileSync(file, 'utf8').trim()
  if (!/^[0-9a-f]{64}$/.test(text)) throw new ConfigError([`${file} is not a data encryption key (64 hex digits); delete it only if no TOTP secret was sealed with it`])
  return Buffer.from(text, 'hex')
}

/** A key for one purpose, derived from the data key (HKDF-SHA256), so purposes never share a key. */
export function subKey(dataKey: Buffer, purpose: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', dataKey, Buffer.alloc(0), `employer-portal:${purpose}`, 32))
}

const IV_BYTES = 12
const TAG_BYTES = 16

/**
 * AES-256-GCM with a random 96-bit IV; `context` is authenticated (not stored), so a
 * sealed value copied to another row (another user's id) does not open.
 * Format: `v1.` + base64url(iv ‖ tag ‖ ciphertext).
 */
export function seal(key: Buffer, plaintext: string, context: string): string {
  const iv = crypto.randomBytes(IV_BYTES)
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(context, 'utf8'))
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
}

export function isSealed(value: string): boolean {
  return value.startsWith('v1.')
}

export class UnsealError extends Error {
  constructor() {
    super('A sealed value did not open: wrong DATA_ENCRYPTION_KEY, or the value was altered or moved to another row')
    this.name = 'UnsealError'
  }
}

export function unseal(key: Buffer, sealed: string, context: string): string {
  if (!isSealed(sealed)) throw new UnsealError()
  const raw = Buffer.from(sealed.slice(3), 'base64url')
  if (raw.length < IV_BYTES + TAG_BYTES) throw new UnsealError()
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES))
    decipher.setAAD(Buffer.from(context, 'utf8'))
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
  } catch {
    throw new UnsealError()
  }
}
