import { Signer } from '@fastify/cookie'
import { BoundedMap } from './bounded-map.ts'

export interface UnsignResult {
  valid: boolean
  renew: boolean
  value: string | null
}

/** Enough for every session active on one process; past it the memory starts again. */
const REMEMBERED = 10_000

/**
 * @fastify/cookie's signer (HMAC-SHA256, the first secret signs, every one verifies),
 * remembering what it worked out. Every signed-in request verifies its session cookie
 * and @fastify/session signs the same id again; on a page otherwise read from memory the
 * two HMACs were ~7 % of the CPU (docs/performance.md). Both are pure functions of the
 * value and the secrets, which live as long as the process, so a remembered answer is
 * the answer. Only cookies that verified are remembered: a forged one is checked in full
 * every time and never fills the memory.
 */
export class RememberingSigner {
  private readonly signer: Signer
  private readonly signed = new BoundedMap<string, string>(REMEMBERED)
  private readonly verified = new BoundedMap<string, Readonly<UnsignResult>>(REMEMBERED)

  constructor(secrets: readonly string[]) {
    this.signer = new Signer([...secrets], 'sha256')
  }

  sign(value: string): string {
    return this.signed.remember(value, () => this.signer.sign(value))
  }

  unsign(signedValue: string): UnsignResult {
    const known = this.verified.get(signedValue)
    if (known) return { ...known }
    const result = this.signer.unsign(signedValue)
    if (result.valid) this.verified.set(signedValue, Object.freeze({ ...result }))
    return result
  }
}
