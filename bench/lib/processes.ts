import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { freePort } from '../../tests/helpers/free-port.ts'

/** A server process the benchmark started, with its output kept for error messages. */
export interface ServerProcess {
  name: string
  pid: number
  baseUrl: string
  output(): string
  stop(): Promise<void>
}

export { freePort }

/**
 * Starts `node --import tsx <script> ...args` (plain `node` for a built `.js`) and waits until `readyPath` answers 200.
 * Standard output is discarded (the portal logs a JSON line per request, as in
 * production); standard error is kept for the error message if it fails to start.
 */
export async function startServer(opts: {
  name: string
  script: string
  args?: string[]
  /** Node's own options, before the script (e.g. --cpu-prof). */
  nodeArgs?: string[]
  env?: Record<string, string>
  port: number
  readyPath: string
  timeoutMs?: number
}): Promise<ServerProcess> {
  const baseUrl = `http://127.0.0.1:${opts.port}`
  let output = ''
  const child: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...(opts.script.endsWith('.js') ? [] : ['--import', 'tsx']), opts.script, ...(opts.args ?? [])], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  child.stderr!.on('data', (d) => (output = (output + String(d)).slice(-20_000)))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000)
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${opts.name} exited before it was ready:\n${output}`)
    const ok = await fetch(baseUrl + opts.readyPath).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${opts.name} was not ready within ${opts.timeoutMs ?? 60_000} ms:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 150))
  }
  return {
    name: opts.name,
    pid: child.pid!,
    baseUrl,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(killer)
    },
  }
}

function readStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
    return match ? Number(match[1]) : 0
  } catch {
    return 0
  }
}

/** The process and its descendants that are Node processes (cluster workers; not tsx's esbuild helper). */
export function nodeProcessTree(pid: number): number[] {
  const out: number[] = []
  const visit = (p: number): void => {
    let comm = ''
    try {
      comm = fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim()
    } catch {
      return
    }
    if (comm.startsWith('node')) out.push(p)
    let tasks: string[] = []
    try {
      tasks = fs.readdirSync(`/proc/${p}/task`)
    } catch {
      return
    }
    for (const tid of tasks) {
      let children = ''
      try {
        children = fs.readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8')
      } catch {
        continue
      }
      for (const c of children.split(/\s+/).filter(Boolean)) visit(Number(c))
    }
  }
  visit(pid)
  return out
}

/**
 * CPU time (user + system, every thread) the server's Node processes have used, seconds:
 * from /proc/<pid>/stat, in clock ticks of 1/100 s (Linux's USER_HZ on every architecture
 * Node runs on). Divided by the requests served, it is the portal's cost per request, which
 * varies far less from run to run on a shared machine than requests/s does.
 */
export function cpuSeconds(pid: number): number {
  let ticks = 0
  for (const p of nodeProcessTree(pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8')
      // The command name, in parentheses, may hold spaces: count the fields after it (utime is the 14th, stime the 15th).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // The process ended: its time is no longer counted.
    }
  }
  return ticks / 100
}

/**
 * Samples the resident memory of a server (summed over its Node processes) every
 * `intervalMs`; `peakMb()` is the highest sum seen since the last `reset()`, and
 * `hwmMb()` the kernel's own high-water mark (VmHWM) summed over the processes,
 * which also catches peaks between samples.
 */
export class RssSampler {
  private peakKb = 0
  private peakProcessKb = 0
  private timer: NodeJS.Timeout | undefined
  constructor(private readonly pid: number) {}

  start(intervalMs = 100): void {
    this.sample()
    this.timer = setInterval(() => this.sample(), intervalMs)
    this.timer.unref()
  }

  sample(): void {
    const each = nodeProcessTree(this.pid).map((p) => readStatusKb(p, 'VmRSS'))
    const total = each.reduce((sum, kb) => sum + kb, 0)
    if (total > this.peakKb) this.peakKb = total
    for (const kb of each) if (kb > this.peakProcessKb) this.peakProcessKb = kb
  }

  reset(): void {
    this.peakKb = 0
    this.peakProcessKb = 0
    this.sample()
  }

  /** The highest total over the server's processes since the last reset. */
  peakMb(): number {
    this.sample()
    return this.peakKb / 1024
  }

  /** The highest single process since the last reset (the primary of a cluster counts too). */
  peakProcessMb(): number {
    this.sample()
    return this.peakProcessKb / 1024
  }

  hwmMb(): number {
    return nodeProcessTree(this.pid).reduce((sum, p) => sum + readStatusKb(p, 'VmHWM'), 0) / 1024
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
  }
}
