import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { HttpClient, startPortalProcess } from '../helpers/crash.ts'
import { emptyPostgresDatabase, usingPostgres } from '../helpers/database.ts'

/**
 * `npm run build` (scripts/build.ts) makes the JavaScript that production runs: the
 * portal started from it, with plain `node` and no tsx, serves its pages in both
 * languages with its stylesheet, finds its migrations and its shipped data, and lets a
 * person register (a form with CSRF, the database and the password hash all work).
 * On the embedded database, or on PostgreSQL in the database tier (`npm run test:db`).
 */
describe('the production build', () => {
  // Inside the repository, so the build finds node_modules as dist/ does. test-results/
  // is not in a fresh clone (CI), so it is made first.
  const resultsDir = path.join(process.cwd(), 'test-results')
  fs.mkdirSync(resultsDir, { recursive: true })
  const outDir = fs.mkdtempSync(path.join(resultsDir, 'build-'))
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-build-'))
  after(() => {
    fs.rmSync(outDir, { recursive: true, force: true })
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('starts with plain node and serves the portal', async () => {
    const built = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--out-dir', outDir], { encoding: 'utf8' })
    assert.equal(built.status, 0, built.stdout + built.stderr)
    assert.ok(fs.existsSync(path.join(outDir, 'db', 'migrations')), 'the migrations are copied beside the JavaScript')
    assert.ok(!fs.readdirSync(outDir, { recursive: true }).some((f) => String(f).endsWith('.ts')), 'no TypeScript in the build')

    const postgres = usingPostgres() ? await emptyPostgresDatabase(process.env.TEST_DATABASE_URL!) : undefined
    const portal = await startPortalProcess(postgres ? { DATABASE_URL: postgres.url } : { PORTAL_DATA_DIR: dataDir }, 90_000, [path.join(outDir, 'server.js')])
    try {
      const client = new HttpClient(portal.baseUrl)
      const en = await client.request('GET', '/en')
      assert.equal(en.status, 200)
      assert.equal(en.dom.querySelector('html')?.getAttribute('lang'), 'en')
      const fr = await client.request('GET', '/fr')
      assert.equal(fr.dom.querySelector('html')?.getAttribute('lang'), 'fr')
      const stylesheet = en.dom.querySelector('link[rel="stylesheet"]')?.getAttribute('href')
      assert.ok(stylesheet)
      const css = await fetch(portal.baseUrl + stylesheet)
      assert.equal(css.status, 200)
      assert.match(await css.text(), /--gcds-/)
      // The shipped NOC 2021 list was found and loaded at start.
      assert.match(portal.output(), /NOC 2021 occupations loaded: 516 rows/)

      await client.request('GET', '/en/register')
      const registered = await client.request('POST', '/en/register', {
        _csrf: client.csrf!,
        username: 'built.portal',
        email: 'built@example.com',
        password: 'a long and unusual passphrase 2026',
        confirmPassword: 'a long and unusual passphrase 2026',
      })
      assert.equal(registered.status, 303, registered.body.slice(0, 500))
      assert.match(registered.location ?? '', /^\/en\/home/)
      const home = await client.request('GET', '/en/home')
      assert.equal(home.status, 200)
      assert.match(home.body, /built\.portal/)
    } finally {
      await portal.stop()
      await postgres?.drop()
    }
  })
})
