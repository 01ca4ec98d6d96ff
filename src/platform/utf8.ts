/**
 * A string's UTF-8 bytes, as `Buffer.from(text)` makes them, in one pass over the text.
 *
 * `Buffer.from` measures the text's UTF-8 length, then writes it: two passes. A page with one
 * character above U+00FF (a name like "Nguyễn", a typographic apostrophe) is a two-byte string
 * in V8, for which each pass is ~7× slower than for Latin-1: 45 µs of the 20 KB queue page's
 * ~400 µs (docs/performance.md, session 24). Here the text is written once into a scratch area
 * with room for the longest encoding (3 bytes per UTF-16 unit) and the bytes copied out, a
 * memcpy. The scratch area is made once and kept: a new one a page, counted by V8 as memory
 * outside its heap, made it collect sooner and cost more than it saved (session 23).
 */
const encoder = new TextEncoder()
/** Room for a 64 K-unit page (the queue's is ~20 K); a longer one goes through Buffer.from. */
const SCRATCH_UNITS = 64 * 1024
let scratch: Buffer | undefined

export function utf8Bytes(text: string): Buffer {
  if (text.length > SCRATCH_UNITS) return Buffer.from(text)
  scratch ??= Buffer.allocUnsafeSlow(SCRATCH_UNITS * 3)
  const { written } = encoder.encodeInto(text, scratch)
  const bytes = Buffer.allocUnsafe(written)
  scratch.copy(bytes, 0, 0, written)
  return bytes
}
