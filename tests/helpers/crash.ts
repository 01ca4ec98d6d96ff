import { spawn, type ChildProcess } from 'node:child_process'
import { parse, type HTMLElement } from 'node-html-parser'
import { encodeForm, type Form } from './http.ts'
import { freePort } from './free-port.ts'

/**
 * Crash and multi-process tests: the real portal (`src/server.ts`) as processes of its
 * own, killed with SIGKILL mid-work and started again on the same data, and a browser
 * stand-in speaking real HTTP to them.
 *
 *   const portal = await startPortalProcess({ PORTAL_DATA_DIR: dir })      // or DATABASE_URL
 *   const client = new HttpClient(portal.baseUrl)
 *   const acked = await crashDuring(portal, [() => client.post(...)], { afterAcks: 10 })
 *   const again = await portal.restart()                                  // same env, same data
 *
 * Defaults: development mode, no demo data, no mailbox, no e-mail dispatcher (so the
 * outbox only changes through requests), a fixed DATA_ENCRYPTION_KEY and SESSION_SECRET
 * (so a restarted or second process reads the same sessions and secrets).
 */

export const CRASH_TEST_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'development',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  SEED_DEMO: 'false',
  DEV_MAILBOX: 'false',
  RUN_MAIL_DISPATCHER: 'false',
  SESSION_SECRET: 'crash-and-multi-process-tests-session-secret-0123456789',
  DATA_ENCRYPTION_KEY: 'c7a5'.repeat(16),
  DATABASE_URL: '',
}

export interface PortalProcess {
  baseUrl: string
  pid: number
  env: Record<string, string>
  /** Everything the process wrote (standard output and error). */
  output(): string
  /** SIGKILL, as a power cut would: no graceful close, no lock file removed, no flush. Resolves once it is gone. */
  kill9(): Promise<void>
  /** SIGTERM (graceful close) and wait; SIGKILL after 15 s. */
  stop(): Promise<void>
  /** A new process with the same environment (same data folder or DATABASE_URL) on a new port. */
  restart(): Promise<PortalProcess>
}

/** The TypeScript sources through tsx, as `npm start` runs them. */
const FROM_SOURCES = ['--import', 'tsx', 'src/server.ts']

/**
 * Starts `src/server.ts` (or `entry`: Node's arguments, e.g. a build's `dist/server.js`)
 * with CRASH_TEST_ENV plus `env`, and waits until /health/ready answers.
 */
export async function startPortalProcess(env: Record<string, string>, timeoutMs = 90_000, entry: readonly string[] = FROM_SOURCES): Promise<PortalProcess> {
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const fullEnv = { ...CRASH_TEST_ENV, PUBLIC_BASE_URL: baseUrl, ...env, PORT: String(port) }
  let output = ''
  const child: ChildProcess = spawn(process.execPath, [...entry], {
    env: { ...process.env, ...fullEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => (output = (output + String(d)).slice(-50_000)))
  child.stderr!.on('data', (d) => (output = (output + String(d)).slice(-50_000)))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`The portal exited before it was ready:\n${output}`)
    const ready = await fetch(`${baseUrl}/health/ready`).then(
      (r) => r.ok,
      () => false,
    )
    if (ready) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`The portal was not ready within ${timeoutMs} ms:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 150))
  }
  const { PORT: _port, PUBLIC_BASE_URL: _base, ...restartEnv } = fullEnv
  const gone = () => child.exitCode !== null || child.signalCode !== null
  return {
    baseUrl,
    pid: child.pid!,
    env: fullEnv,
    output: () => output,
    kill9: async () => {
      if (gone()) return
      child.kill('SIGKILL')
      await exited
    },
    stop: async () => {
      if (gone()) return
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(killer)
    },
    restart: () => startPortalProcess({ ...restartEnv, ...(env.PUBLIC_BASE_URL ? { PUBLIC_BASE_URL: env.PUBLIC_BASE_URL } : {}) }, timeoutMs, entry),
  }
}

export interface HttpPage {
  status: number
  location: string | undefined
  body: string
  dom: HTMLElement
}

/**
 * A browser stand-in over real HTTP (TestClient does the same through app.inject): keeps
 * cookies, remembers the CSRF token of the last page read, never follows redirects by
 * itself. `baseUrl` may be changed to talk to another process with the same cookies.
 */
export class HttpClient {
  readonly cookies = new Map<string, string>()
  csrf: string | undefined

  constructor(public baseUrl: string) {}

  async request(method: 'GET' | 'POST', path: string, form?: Form): Promise<HttpPage> {
    const headers: Record<string, string> = {}
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded'
    const res = await fetch(this.baseUrl + path, { method, headers, body: form ? encodeForm(form) : undefined, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    const body = await res.text()
    const token = /name="_csrf" value="([^"]+)"/.exec(body)
    if (token) this.csrf = token[1]
    let dom: HTMLElement | undefined
    return {
      status: res.status,
      location: res.headers.get('location') ?? undefined,
      body,
      get dom() {
        dom ??= parse(body)
        return dom
      },
    }
  }

  get(path: string): Promise<HttpPage> {
    return this.request('GET', path)
  }

  /** Posts a form with the CSRF token of the last page read (unless `_csrf` is given). */
  post(path: string, form: Form = {}): Promise<HttpPage> {
    return this.request('POST', path, '_csrf' in form ? form : { ...form, _csrf: this.csrf })
  }

  /** GET the sign-in page, then post the credentials (portal or console). */
  async signIn(username: string, password: string, lang: 'en' | 'fr' = 'en', console = false): Promise<HttpPage> {
    const path = `/${lang}${console ? '/console' : ''}/sign-in`
    await this.get(path)
    return this.post(path, { username, password })
  }
}

/**
 * Runs each `loop` over and over, concurrently, and SIGKILLs the portal once `afterAcks`
 * iterations in all have completed — so other iterations are in flight, at some point of
 * their work, when it dies. A loop's failure after the kill (connection refused or reset)
 * ends that loop; a failure before it is rethrown. Resolves with the number of completed
 * iterations of each loop: the work acknowledged before the crash, which must survive it.
 */
export async function crashDuring(portal: PortalProcess, loops: ReadonlyArray<(iteration: number) => Promise<unknown>>, opts: { afterAcks: number }): Promise<number[]> {
  const acked = loops.map(() => 0)
  let killed = false
  let kill: Promise<void> | undefined
  const runners = loops.map(async (loop, n) => {
    for (let i = 0; !killed; i++) {
      try {
        await loop(i)
      } catch (err) {
        if (killed) return
        throw err
      }
      if (killed) return
      acked[n]!++
      if (acked.reduce((a, b) => a + b, 0) >= opts.afterAcks && !kill) {
        killed = true
        kill = portal.kill9()
      }
    }
  })
  await Promise.all(runners)
  await kill
  return acked
}
