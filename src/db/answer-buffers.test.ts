import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AnswerBuffers } from './answer-buffers.ts'

describe('the buffers PGlite’s thread writes answers into', () => {
  it('collects an answer arriving in pieces, growing its buffer without losing a byte', () => {
    const buffers = new AnswerBuffers()
    const writer = buffers.writer()
    const pieces = [10, 16_000, 3, 40_000].map((n, i) => new Uint8Array(n).fill(i + 1))
    for (const piece of pieces) writer.write(piece)
    const bytes = writer.bytes()
    assert.equal(bytes.byteLength, 56_013)
    assert.deepEqual([bytes[0], bytes[9], bytes[10], bytes[16_009], bytes[16_010], bytes[16_012], bytes[16_013], bytes[56_012]], [1, 1, 2, 2, 3, 3, 4, 4])
    // The buffers outgrown are kept for later answers.
    assert.equal(buffers.takeAll().length, 1)
  })

  it('writes the next answer into a buffer handed back instead of a new one', () => {
    const buffers = new AnswerBuffers()
    const first = buffers.writer()
    first.write(new Uint8Array([1, 2, 3]))
    const handedBack = first.bytes().buffer as ArrayBuffer
    buffers.give([handedBack])
    const second = buffers.writer()
    second.write(new Uint8Array([9]))
    assert.equal(second.bytes().buffer, handedBack)
    assert.deepEqual([...second.bytes()], [9])
  })

  it('keeps neither a large buffer nor more than a few, nor one already handed on', () => {
    const buffers = new AnswerBuffers()
    const detached = new ArrayBuffer(16)
    structuredClone(detached, { transfer: [detached] })
    buffers.give([new ArrayBuffer(4 * 1024 * 1024), detached, ...Array.from({ length: 100 }, () => new ArrayBuffer(16 * 1024))])
    const kept = buffers.takeAll()
    assert.ok(kept.length > 0 && kept.length < 100)
    assert.ok(kept.every((b) => b.byteLength === 16 * 1024))
  })
})
