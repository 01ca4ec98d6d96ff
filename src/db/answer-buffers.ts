/** The smallest buffer made: most answers (a row, a page of 50) fit in one this size. */
const SMALLEST_BYTES = 16 * 1024
/** Spare buffers kept at most, and the largest kept: a rare large answer is not held for good. */
const SPARE_AT_MOST = 32
const LARGEST_KEPT_BYTES = 1024 * 1024

/**
 * The memory PGlite's thread writes its answers into. An answer is handed to the portal's
 * thread (transferred, not copied), and the portal hands the buffer back with a later request,
 * so the same few buffers carry every answer. Allocated afresh for each answer, as before, they
 * were freed only when the portal's thread next collected garbage, and glibc's arena grew by
 * ~20 MB under load (docs/performance.md, session 17).
 */
export class AnswerBuffers {
  readonly #spare: ArrayBuffer[] = []

  /** Buffers handed back, kept for later answers (those beyond what is kept are left to the garbage collector). */
  give(buffers: readonly ArrayBuffer[]): void {
    for (const buffer of buffers) {
      if (this.#spare.length >= SPARE_AT_MOST) return
      if (buffer.byteLength > 0 && buffer.byteLength <= LARGEST_KEPT_BYTES) this.#spare.push(buffer)
    }
  }

  /** Handed-back buffers, taken for sending: at most as many as are kept. */
  takeAll(): ArrayBuffer[] {
    return this.#spare.splice(0)
  }

  /** A buffer of at least `bytes`: a spare one if one is large enough, else a new one (a power of two, so it can be used again). */
  take(bytes: number): ArrayBuffer {
    for (let i = this.#spare.length - 1; i >= 0; i--) {
      if (this.#spare[i]!.byteLength >= bytes) return this.#spare.splice(i, 1)[0]!
    }
    return new ArrayBuffer(Math.max(SMALLEST_BYTES, 2 ** Math.ceil(Math.log2(Math.max(bytes, 1)))))
  }

  /** Collects one answer, arriving in pieces, into a buffer of its own. */
  writer(): AnswerWriter {
    return new AnswerWriter(this)
  }
}

export class AnswerWriter {
  #buffer: ArrayBuffer | undefined
  #length = 0

  constructor(private readonly buffers: AnswerBuffers) {}

  /** Copies a piece in (it may be a view of memory reused once this returns). */
  readonly write = (piece: Uint8Array): void => {
    const length = this.#length + piece.byteLength
    if (!this.#buffer || this.#buffer.byteLength < length) {
      const larger = this.buffers.take(length)
      if (this.#buffer) {
        new Uint8Array(larger).set(new Uint8Array(this.#buffer, 0, this.#length))
        this.buffers.give([this.#buffer])
      }
      this.#buffer = larger
    }
    new Uint8Array(this.#buffer, this.#length, piece.byteLength).set(piece)
    this.#length = length
  }

  /** The answer: a view of the buffer that holds it, to be transferred with its buffer. */
  bytes(): Uint8Array {
    this.#buffer ??= this.buffers.take(0)
    return new Uint8Array(this.#buffer, 0, this.#length)
  }
}
