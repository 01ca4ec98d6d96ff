import { parentPort, workerData } from 'node:worker_threads'
import { InProcessEngine, newPGlite } from './embedded-engine.ts'
import { AnswerBuffers } from './answer-buffers.ts'
import type { ThreadReply, ThreadRequest, ThreadStart } from './pglite-thread.ts'

/**
 * The embedded database's own thread (started by `openThreadEngine`): PGlite here, and the
 * requests of the portal's thread answered one at a time, in the order they came.
 */
const port = parentPort!
const start = workerData as ThreadStart
const answerBuffers = new AnswerBuffers()

function describe(err: unknown): Record<string, unknown> {
  // Errors lose their own fields (PostgreSQL's code, detail, position) when posted: sent as a plain object.
  const e = err as Error & Record<string, unknown>
  return { ...e, message: e?.message ?? String(err), name: e?.name ?? 'Error' }
}

async function answer(engine: InProcessEngine, request: ThreadRequest): Promise<void> {
  try {
    switch (request.op) {
      case 'exchange': {
        answerBuffers.give(request.spare)
        const answer = answerBuffers.writer()
        await engine.exchangeViews(request.messages, request.syncToFs, answer.write)
        const bytes = answer.bytes()
        reply({ id: request.id, ok: true, value: bytes, inTransaction: engine.isInTransaction() }, [bytes.buffer as ArrayBuffer])
        return
      }
      case 'exec':
        reply({ id: request.id, ok: true, value: await engine.exec(request.text), inTransaction: engine.isInTransaction() })
        return
      case 'dump': {
        const dump = await engine.dumpDataDir(request.compression)
        const bytes = await dump.arrayBuffer()
        reply({ id: request.id, ok: true, value: bytes, inTransaction: engine.isInTransaction() }, [bytes])
        return
      }
      case 'close':
        await engine.close()
        reply({ id: request.id, ok: true, value: undefined, inTransaction: false })
        port.close()
        return
    }
  } catch (err) {
    reply({ id: request.id, ok: false, error: describe(err), inTransaction: engine.isInTransaction() })
  }
}

function reply(message: ThreadReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer)
}

try {
  const engine = new InProcessEngine(await newPGlite(start.dataDir, start.load ? new Blob([start.load]) : undefined))
  // One at a time, in the order they came: the portal's pool sends a statement before the one
  // before it is answered (its turns, pglite-pool.ts) and relies on PGlite answering in order.
  let queue = Promise.resolve()
  port.on('message', (request: ThreadRequest) => {
    queue = queue.then(() => answer(engine, request))
  })
  port.postMessage({ ready: true })
} catch (err) {
  port.postMessage({ ready: false, error: describe(err) })
}
