import v8 from 'node:v8'
import { Worker } from 'node:worker_threads'
import { AnswerBuffers } from './answer-buffers.ts'
import type { EmbeddedEngine, ExecResult } from './embedded-engine.ts'

/** What the thread is opened with: a data folder, or (in memory) a dump to load. */
export interface ThreadStart {
  dataDir?: string
  load?: ArrayBuffer
}

export type ThreadRequest =
  | { id: number; op: 'exchange'; messages: Uint8Array; syncToFs: boolean; spare: ArrayBuffer[] }
  | { id: number; op: 'exec'; text: string }
  | { id: number; op: 'dump'; compression: 'none' | 'gzip' }
  | { id: number; op: 'close' }

export type ThreadReply = { id: number; inTransaction: boolean } & ({ ok: true; value: unknown } | { ok: false; error: Record<string, unknown> })

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never

type Started = { ready: true } | { ready: false; error: Record<string, unknown> }

interface Pending {
  resolve: (value: unknown) => void
  reject: (err: Error) => void
}

/** PostgreSQL's fields (code, detail, position…) back on an Error, as PGlite threw it in its thread. */
function rebuilt(fields: Record<string, unknown>): Error {
  const { message, stack: _stack, ...rest } = fields
  return Object.assign(new Error(String(message)), rest)
}

// The thread's own file beside this one: JavaScript in the build; TypeScript from the sources,
// where the thread registers tsx itself (a worker does not inherit the loader `--import tsx` set up).
const FROM_SOURCES = import.meta.url.endsWith('.ts')
const WORKER_FILE = new URL(`./pglite-thread.worker${FROM_SOURCES ? '.ts' : '.js'}`, import.meta.url)

/**
 * The thread's young generation, in MB (V8's default grows to 32 MB of pages). It holds only
 * the messages passing through, which die young: with 6, resident memory under load fell by
 * ~20 MB (peak 324 → 304 MB during section saves) at the same requests/s
 * (docs/performance.md, session 15). The process's `--max-semi-space-size` would override it
 * (V8's flags are the process's; measured in session 16), so `startThread` unsets that first.
 */
const THREAD_YOUNG_GENERATION_MB = 6

function startThread(start: ThreadStart): Worker {
  // Node's --max-semi-space-size is for the portal's thread (operations.md); its heap is made,
  // so the flag is unset and this thread gets the limit below, not the flag's.
  v8.setFlagsFromString('--max-semi-space-size=0')
  const options = { workerData: start, transferList: start.load ? [start.load] : [], resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB } }
  if (!FROM_SOURCES) return new Worker(WORKER_FILE, options)
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_FILE.href)}) })`, { ...options, eval: true })
}

/**
 * PGlite in a thread of its own: PostgreSQL's work (a third to a half of a signed-in page's CPU on
 * the embedded database, docs/performance.md) runs on a second core while the portal's thread
 * parses requests and renders pages. The thread answers in the order it was asked; the bytes of
 * an answer are handed over, not copied, and handed back with a later request (answer-buffers.ts).
 */
export async function openThreadEngine(start: ThreadStart): Promise<EmbeddedEngine> {
  const worker = startThread(start)
  let onMessage!: (started: Started) => void, onError!: (err: Error) => void, onExit!: (code: number) => void
  const started = await new Promise<Started>((resolve, reject) => {
    onMessage = resolve
    onError = reject
    onExit = (code) => reject(new Error(`The embedded database's thread stopped while opening (exit code ${code})`))
    worker.once('message', onMessage).once('error', onError).once('exit', onExit)
  }).finally(() => worker.off('message', onMessage).off('error', onError).off('exit', onExit))
  if (!started.ready) {
    await worker.terminate()
    throw rebuilt(started.error)
  }
  return new ThreadEngine(worker)
}

class ThreadEngine implements EmbeddedEngine {
  #nextId = 1
  readonly #pending = new Map<number, Pending>()
  #inTransaction = false
  #gone: Error | undefined
  /** Answers' buffers read, to hand back to the thread with the next exchange. */
  readonly #readAnswers = new AnswerBuffers()

  constructor(private readonly worker: Worker) {
    worker.on('message', (reply: ThreadReply) => {
      const pending = this.#pending.get(reply.id)
      if (!pending) return
      this.#pending.delete(reply.id)
      this.#inTransaction = reply.inTransaction
      // Only waiting requests keep the process alive: a script that has closed nothing still ends.
      if (this.#pending.size === 0) worker.unref()
      if (reply.ok) pending.resolve(reply.value)
      else pending.reject(rebuilt(reply.error))
    })
    const stopped = (err: Error) => {
      this.#gone ??= err
      for (const pending of this.#pending.values()) pending.reject(err)
      this.#pending.clear()
    }
    worker.on('error', stopped)
    worker.on('exit', (code) => stopped(new Error(`The embedded database's thread stopped (exit code ${code})`)))
    worker.unref()
  }

  #ask<T>(request: WithoutId<ThreadRequest>, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.#gone) return Promise.reject(this.#gone)
    const id = this.#nextId++
    if (this.#pending.size === 0) this.worker.ref()
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      this.worker.postMessage({ ...request, id }, transfer)
    })
  }

  isInTransaction(): boolean {
    return this.#inTransaction
  }

  exec(text: string): Promise<ExecResult[]> {
    return this.#ask({ op: 'exec', text })
  }

  async exchange(messages: Uint8Array, syncToFs: boolean, onData: (chunk: Buffer) => void): Promise<void> {
    // The messages in memory of their own, handed over: posted as they are, a Buffer carries the
    // whole of the 8 KB of Node's buffer pool it may be a part of, copied.
    const own = new Uint8Array(messages)
    const spare = this.#readAnswers.takeAll()
    const bytes = await this.#ask<Uint8Array>({ op: 'exchange', messages: own, syncToFs, spare }, [own.buffer, ...spare])
    try {
      onData(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    } finally {
      // Read (pg's parser keeps nothing of a whole answer): the buffer goes back with the next exchange.
      this.#readAnswers.give([bytes.buffer as ArrayBuffer])
    }
  }

  async dumpDataDir(compression: 'none' | 'gzip'): Promise<Blob> {
    return new Blob([await this.#ask<ArrayBuffer>({ op: 'dump', compression })])
  }

  async close(): Promise<void> {
    if (this.#gone) return
    await this.#ask({ op: 'close' })
    await this.worker.terminate()
  }
}
