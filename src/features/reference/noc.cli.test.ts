import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { SHIPPED_NOC_CSV } from './noc.service.ts'

/** `npm run portal -- noc import`, run as an operator would: a real process on an embedded database folder. */
describe('npm run portal -- noc import', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-cli-'))
  after(() => fs.rmSync(dir, { recursive: true, force: true }))

  const portal = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      encoding: 'utf8',
      env: { ...process.env, PORTAL_DATA_DIR: path.join(dir, 'db'), DATABASE_URL: '', NODE_ENV: 'test', LOG_LEVEL: 'silent' },
      timeout: 120_000,
    })

  it('imports the list, then finds nothing to change the second time', () => {
    const first = portal('noc', 'import', SHIPPED_NOC_CSV)
    assert.equal(first.status, 0, first.stderr)
    assert.equal(first.stdout.trim(), '516 rows read: 516 added, 0 updated, 0 unchanged, 0 rejected.')
    const second = portal('noc', 'import', SHIPPED_NOC_CSV)
    assert.equal(second.status, 0, second.stderr)
    assert.equal(second.stdout.trim(), '516 rows read: 0 added, 0 updated, 516 unchanged, 0 rejected.')
  })

  it('reports rejected rows with their line numbers and exits with 1', () => {
    const file = path.join(dir, 'bad.csv')
    fs.writeFileSync(file, 'code,title_en,title_fr,teer,broad_category,major_group\r\n00010,Legislators,Membres des corps législatifs,0,Legislative and senior management occupations,00\r\n0001X,Bad,Mauvais,0,Cat,00\r\n')
    const r = portal('noc', 'import', file)
    assert.equal(r.status, 1)
    assert.match(r.stdout, /^2 rows read: 0 added, 0 updated, 1 unchanged, 1 rejected\.\n {2}line 3: code "0001X" is not five digits/)
  })

  it('explains its usage', () => {
    const unknown = portal('nope')
    assert.equal(unknown.status, 2)
    assert.match(unknown.stderr, /Unknown command: nope[\s\S]*noc import <file\.csv>/)
    const missing = portal('noc', 'import')
    assert.equal(missing.status, 2)
    assert.match(missing.stderr, /Usage: npm run portal -- noc import <file\.csv>/)
    const noFile = portal('noc', 'import', path.join(dir, 'absent.csv'))
    assert.equal(noFile.status, 2)
    assert.match(noFile.stderr, /No such file/)
  })
})
