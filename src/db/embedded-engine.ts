import v8 from 'node:v8'
import type { PGlite } from '@electric-sql/pglite'
import { pgliteParsers } from './type-parsers.ts'

/**
 * What the portal asks of the embedded database (PGlite): PostgreSQL's wire protocol in and
 * out, the simple protocol for scripts (migrations are whole SQL files), a dump, and whether
 * its one session is inside a transaction. Two engines answer it: PGlite in this thread
 * (`InProcessEngine`) and PGlite in a thread of its own (`pglite-thread.ts`), so its work runs
 * on another core while this one renders pages.
 */
export interface EmbeddedEngine {
  isInTransaction(): boolean
  /** Statements in the simple protocol (several allowed); the result of each. */
  exec(text: string): Promise<ExecResult[]>
  /**
   * Sends protocol messages (ending with a sync); `onData` receives the answer's bytes, in one
   * or more pieces, each valid until the exchange has settled (copy what is kept longer).
   */
  exchange(messages: Uint8Array, syncToFs: boolean, onData: (chunk: Buffer) => void): Promise<void>
  dumpDataDir(compression: 'none' | 'gzip'): Promise<Blob>
  close(): Promise<void>
}

export interface ExecResult {
  command?: string
  affectedRows?: number
  rows: unknown[]
}

/**
 * A PGlite with our type parsers and a smaller buffer pool. Its shared_buffers are touched
 * at start and kept resident (WebAssembly memory never shrinks): the default 128 MB left
 * 965 MB resident after a first start (session 4), 32 MB 509. 16 MB: with PGlite in a thread
 * of its own, the same memory as 32 MB to create a database (~780 MB, in the process that
 * creates it) and 18 MB less when serving one, at 100,000 offers; requests a second 1–4 %
 * fewer on the pages that read the most (docs/performance.md, session 16). Pages it no
 * longer holds come back from the operating system's file cache. Imported on first use: a
 * portal on PostgreSQL never loads PGlite (36 MB resident).
 */
export async function newPGlite(dataDir?: string, loadDataDir?: Blob): Promise<PGlite> {
  // V8 compiles PGlite's WebAssembly (and later its hot functions, optimised) with up to 128
  // background tasks; glibc keeps each thread's compiler memory resident afterwards. One task:
  // ~45 MB less resident, opening no slower (docs/performance.md, session 13). Read per compilation.
  v8.setFlagsFromString('--wasm-num-compilation-tasks=1')
  const { PGlite } = await import('@electric-sql/pglite')
  const options = { parsers: pgliteParsers, startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'], ...(loadDataDir ? { loadDataDir } : {}) }
  const pglite = dataDir ? new PGlite(dataDir, options) : new PGlite(options)
  await pglite.waitReady
  return pglite
}

/** PGlite in this thread. */
export class InProcessEngine implements EmbeddedEngine {
  constructor(private readonly pglite: PGlite) {}

  isInTransaction(): boolean {
    return this.pglite.isInTransaction()
  }

  exec(text: string): Promise<ExecResult[]> {
    return this.pglite.exec(text)
  }

  exchange(messages: Uint8Array, syncToFs: boolean, onData: (chunk: Buffer) => void): Promise<void> {
    // A chunk is a view of WebAssembly memory, reused after the call, and the receiver may keep
    // part of it until the next (pg's parser keeps a message cut in two): each gets a copy.
    return this.exchangeViews(messages, syncToFs, (view) => onData(Buffer.from(view)))
  }

  /** As `exchange`, but each chunk of the answer is a view of WebAssembly memory, valid only during the call. */
  exchangeViews(messages: Uint8Array, syncToFs: boolean, onView: (view: Uint8Array) => void): Promise<void> {
    return this.pglite.runExclusive(() => this.pglite.execProtocolRawStream(messages, { syncToFs, onRawData: onView }))
  }

  dumpDataDir(compression: 'none' | 'gzip'): Promise<Blob> {
    return this.pglite.dumpDataDir(compression)
  }

  close(): Promise<void> {
    return this.pglite.close()
  }
}
