import { fork } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LoadJob } from '../load-worker.ts'

export interface LoadRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  headers?: Record<string, string>
  body?: string
  /**
   * A form carrying the version its page showed (the two-tab check): each request takes a
   * target no other request is using (have more than there are connections), adds
   * `field=<version>` to the body, and a save (`okStatus`) moves that version on; any
   * other answer's page says the current version. The path above is only for the report.
   */
  versioned?: { targets: { path: string; version: number }[]; field: string; okStatus: number }
  /**
   * Sent with the session cookie and CSRF token (`_csrf` added to the body) of the previous
   * request's answer in the same connection: a form fetched, then posted (e.g. a sign-in,
   * which ends the session it was posted in, so every sign-in needs a form of its own).
   */
  withPreviousForm?: boolean
  /** When set, the answer must have this status (checked per request); else the job's status class. */
  expectStatus?: number
}

export interface LoadResult {
  requestsPerSecond: number
  requests: number
  latencyP50Ms: number
  latencyP99Ms: number
  latencyMaxMs: number
  /** Connection errors, timeouts and responses outside the expected status class. */
  errors: number
  statusClasses: Record<number, number>
  bytesPerSecond: number
  /** Average response size (headers and body), bytes. */
  bytesPerResponse: number
  durationSeconds: number
}

const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'load-worker.ts')

/** Runs autocannon in a separate Node process and returns its summary. */
export function runLoad(job: LoadJob, onMeasuredRun?: () => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(worker, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    let result: LoadResult | undefined
    child.on('message', (m) => {
      if ((m as { measuring?: boolean }).measuring) onMeasuredRun?.()
      else result = m as LoadResult
    })
    child.once('error', reject)
    child.once('exit', (code) => {
      if (result) resolve(result)
      else reject(new Error(`the load generator exited with code ${code} without a result`))
    })
    child.send(job)
  })
}
