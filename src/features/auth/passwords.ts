import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { hash, verify, type Algorithm } from '@node-rs/argon2'
import pLimit from 'p-limit'

/**
 * argon2id at one of OWASP's equivalent settings: 12 MiB, 3 passes, 1 lane (OWASP lists it
 * beside 19 MiB with 2 passes as the same defence, trading memory for passes). Chosen for the
 * memory: a hash holds its 12 MiB while it runs, 7 less than the other's, and is no slower
 * (~14 ms against ~17–20 here; docs/performance.md, session 31). Off the event loop.
 */
export const ARGON2_SETTING = { memoryCost: 12288, timeCost: 3, parallelism: 1 } as const
// Algorithm.Argon2id is 2 (a const enum, which our module settings cannot import).
const ARGON2 = { algorithm: 2 as Algorithm, ...ARGON2_SETTING } as const
/** How a hash made with ARGON2_SETTING begins (the PHC string format). */
const CURRENT_PREFIX = `$argon2id$v=19$m=${ARGON2_SETTING.memoryCost},t=${ARGON2_SETTING.timeCost},p=${ARGON2_SETTING.parallelism}$`

/**
 * Hashes in flight: one per core but the event loop's, at least one. libuv would run four
 * (its thread pool), each holding its memory, for no more sign-ins a second: on 2 cores the
 * event loop is the limit (115/s with 4, 2 or 1 in flight; docs/performance.md, session 13),
 * and the pool's threads stay free for file reads.
 */
export const ARGON2_SLOTS = Math.max(1, os.availableParallelism() - 1)
const argon2Slots = pLimit(ARGON2_SLOTS)

/** Hashes being computed and hashes waiting for a slot. */
export function argon2Queue(): { running: number; waiting: number } {
  return { running: argon2Slots.activeCount, waiting: argon2Slots.pendingCount }
}

export function hashSecret(secret: string): Promise<string> {
  return argon2Slots(() => hash(secret, ARGON2))
}

export async function verifySecret(stored: string, candidate: string): Promise<boolean> {
  try {
    return await argon2Slots(() => verify(stored, candidate))
  } catch {
    return false
  }
}

/**
 * Whether a stored hash was made with another setting (an older release's), so that it is made
 * again from the password at the next sign-in: then every account's hash costs what the decoy's
 * does, and no account is told apart from an unknown name by the time its check takes.
 */
export function madeWithOtherSetting(stored: string): boolean {
  return !stored.startsWith(CURRENT_PREFIX)
}

/**
 * A hash of a password nobody has, checked when the username is unknown so that
 * an unknown user and a wrong password take the same time (no enumeration by timing).
 */
let decoyHash: Promise<string> | undefined
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashSecret('decoy password that matches no account')
  return decoyHash
}

const COMMON = new Set(
  fs
    .readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'data', 'common-passwords.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l && !l.startsWith('#')),
)

export const PASSWORD_MIN = 12
export const PASSWORD_MAX = 128

export type PasswordProblem = 'short' | 'long' | 'common' | 'likeUsername'

/**
 * NIST SP 800-63B: length (12 to 128), no composition rules, refuse known-common
 * passwords and ones that repeat a single character or contain the username.
 */
export function passwordProblem(password: string, username = ''): PasswordProblem | undefined {
  const length = [...password].length
  if (length < PASSWORD_MIN) return 'short'
  if (length > PASSWORD_MAX) return 'long'
  const lower = password.toLowerCase()
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) return 'common'
  const name = username.trim().toLowerCase()
  if (name.length >= 3 && lower.includes(name)) return 'likeUsername'
  return undefined
}
