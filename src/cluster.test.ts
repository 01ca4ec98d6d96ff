import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { test } from 'node:test'
import { freePort } from '../tests/e2e/helpers/portal.ts'
import { ConfigError, loadConfig } from './config.ts'

test('WEB_CONCURRENCY > 1 is refused on the embedded database, with a message naming DATABASE_URL', () => {
  assert.throws(
    () => loadConfig({ WEB_CONCURRENCY: '2' }),
    (err: unknown) => err instanceof ConfigError && /WEB_CONCURRENCY=2 needs DATABASE_URL/.test(err.message),
  )
  assert.equal(loadConfig({}).webConcurrency, 1)
  assert.equal(loadConfig({ WEB_CONCURRENCY: '3', DATABASE_URL: 'postgres://x@localhost/db' }).webConcurrency, 3)
})

// Real processes against the PostgreSQL server (npm run test:db).
const url = process.env.TEST_DATABASE_URL
if (url) {
  test('WEB_CONCURRENCY=2 serves from two workers and stops cleanly on SIGTERM', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, DATABASE_URL: url, WEB_CONCURRENCY: '2', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SEED_DEMO: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      let ready = false
      for (let i = 0; i < 300 && !ready; i++) {
        ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false)
        if (!ready) await new Promise((r) => setTimeout(r, 100))
      }
      assert.ok(ready, output)
      // Both workers announce themselves once listening.
      for (let i = 0; i < 300 && (output.match(/on PostgreSQL/g) ?? []).length < 2; i++) await new Promise((r) => setTimeout(r, 100))
      assert.equal((output.match(/on PostgreSQL/g) ?? []).length, 2, output)
      assert.match(output, /started 2 worker processes/)
    } finally {
      child.kill('SIGTERM')
    }
    assert.equal(await exited, 0, output)
  })
}
