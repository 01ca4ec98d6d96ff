import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'

/**
 * Libraries few requests need are imported at their first use, not at start: each is heap
 * every serving process would otherwise carry (~15 MB between them: docs/performance.md,
 * session 16). A static import of one of them anywhere in the portal fails this test.
 */
const LOADED_AT_FIRST_USE = ['pdfkit', 'fontkit', 'nodemailer', 'qrcode', 'file-type']

test('a serving process loads the portal without the libraries it imports at first use', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'module-loads-'))
  const file = path.join(dir, 'loads.txt')
  try {
    // Everything serve.ts imports statically: the whole portal a process serves with (nothing is started).
    execFileSync(process.execPath, ['--import', 'tsx', '--import', './tests/helpers/module-loads.register.mjs', '--input-type=module', '-e', "await import('./src/serve.ts')"], {
      env: { ...process.env, MODULE_LOADS_FILE: file },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    const loaded = fs.readFileSync(file, 'utf8').split('\n')
    const packages = new Set(loaded.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []))
    // The record is complete: what the portal does import at start is in it.
    for (const expected of ['fastify', 'kysely', 'zod']) assert.ok(packages.has(expected), `${expected} is not among the modules recorded`)
    assert.ok(loaded.some((url) => url.endsWith('/src/features/offers/offers.pdf.ts')), 'the portal’s own modules are recorded')
    assert.deepEqual(LOADED_AT_FIRST_USE.filter((name) => packages.has(name)), [])
    // pg's client and pool: only a portal on PostgreSQL loads them (openDatabase); the embedded one uses pg's parsers alone.
    assert.deepEqual(loaded.filter((url) => /\/node_modules\/pg\/(esm\/index\.mjs|lib\/index\.js)$/.test(url)), [])
    // Country names in English and French only: not the library's main entry, which registers its 80 languages.
    assert.ok(packages.has('i18n-iso-countries'))
    assert.deepEqual(loaded.filter((url) => url.endsWith('/i18n-iso-countries/entry-node.js')), [])
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
