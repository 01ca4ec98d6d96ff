import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { freePort } from '../../helpers/free-port.ts'
import os from 'node:os'
import path from 'node:path'

export interface RunningPortal {
  baseUrl: string
  dataDir: string
  output: () => string
  stop(): Promise<void>
}

export { freePort }

/** The migrated data folder the test runner made for this run (scripts/run-tests.ts), if any. */
export const E2E_DATA_TEMPLATE_ENV = 'TEST_E2E_DATA_TEMPLATE'

/**
 * Starts the real portal (`src/server.ts`) as its own process on a free port with a
 * fresh embedded database, and waits until it is ready.
 */
export async function startPortal(env: Record<string, string> = {}): Promise<RunningPortal> {
  const port = await freePort()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-e2e-'))
  // The test runner's migrated data folder, when there is one (scripts/run-tests.ts): the portal
  // then starts without initdb and with nothing to migrate (a first start is tested elsewhere).
  const template = process.env[E2E_DATA_TEMPLATE_ENV]
  if (template) fs.cpSync(path.join(template, 'pgdata'), path.join(dataDir, 'pgdata'), { recursive: true })
  const baseUrl = `http://127.0.0.1:${port}`
  let output = ''
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: baseUrl,
      PORTAL_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      // Journeys read e-mails (links, PINs) in the development mailbox, off unless enabled.
      DEV_MAILBOX: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))

  const deadline = Date.now() + 60_000
  for (;;) {
    const done = await Promise.race([exited.then(() => 'exited' as const), readyOnce(baseUrl)])
    if (done === 'exited') throw new Error(`The portal exited before it was ready:\n${output}`)
    if (done) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`The portal did not become ready in 60 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }

  return {
    baseUrl,
    dataDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await exited
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

async function readyOnce(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/health/ready`)
    return res.ok
  } catch {
    return false
  }
}
