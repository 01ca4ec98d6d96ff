import { fork } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LoadJob } from '../load-worker.ts'

export interface LoadRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  headers?: Record<string, string>
  body?: string
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
export function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(worker, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    let result: LoadResult | undefined
    child.once('message', (m) => (result = m as LoadResult))
    child.once('error', reject)
    child.once('exit', (code) => {
      if (result) resolve(result)
      else reject(new Error(`the load generator exited with code ${code} without a result`))
    })
    child.send(job)
  })
}
