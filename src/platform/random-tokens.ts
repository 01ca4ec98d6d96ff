import crypto from 'node:crypto'

/**
 * Unguessable tokens of `bytes` random bytes (base64url), drawn from the operating
 * system's random source a few kilobytes at a time: crypto.randomBytes for each small
 * token costs a call into OpenSSL every time (measured: 10 % of a signed-in page's CPU
 * for two CSP nonces). Node's own randomUUID batches the same way. Each byte is used once.
 */
export class RandomTokens {
  private buffer = Buffer.alloc(0)
  private offset = 0

  constructor(
    private readonly bytes: number,
    private readonly batch = 4096,
  ) {}

  next(): string {
    if (this.offset + this.bytes > this.buffer.length) {
      this.buffer = crypto.randomBytes(Math.max(this.batch, this.bytes))
      this.offset = 0
    }
    const token = this.buffer.toString('base64url', this.offset, this.offset + this.bytes)
    this.offset += this.bytes
    return token
  }
}
