import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { findTests, LONGEST_FIRST, longestFirst, makeUsesTestDatabase } from '../../scripts/test-selection.ts'

describe('which test files the PostgreSQL tier runs', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'test-selection-'))
  after(() => fs.rmSync(root, { recursive: true, force: true }))
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    fs.writeFileSync(path.join(root, file), text)
  }
  write('tests/helpers/database.ts', "export const url = process.env.TEST_DATABASE_URL\n")
  write('tests/helpers/app.ts', "import { url } from './database.ts'\nexport const app = url\n")
  write('src/a/cycle-one.ts', "export { two } from './cycle-two.ts'\nexport const one = 1\n")
  write('src/a/cycle-two.ts', "import { one } from './cycle-one.ts'\nexport const two = one\n")
  write('src/a/late.ts', "import { one } from './cycle-one.ts'\nconst later = () => import('../../tests/helpers/app.ts')\nexport { one, later }\n")
  write('src/pure.test.ts', "import { one } from './a/cycle-one.ts'\nimport assert from 'node:assert'\nassert.equal(one, 1)\n")
  write('src/through-helper.test.ts', "import { app } from '../tests/helpers/app.ts'\nvoid app\n")
  write('src/dynamic.test.ts', "import { later } from './a/late.ts'\nvoid later\n")
  write('src/names-the-url.test.ts', "const server = process.env.TEST_DATABASE_URL\nvoid server\n")
  write('src/node_modules/ignored.test.ts', '')
  const uses = makeUsesTestDatabase(root)

  it('finds every test file but those under node_modules', () => {
    assert.deepEqual(findTests(root, 'src').sort(), ['src/dynamic.test.ts', 'src/names-the-url.test.ts', 'src/pure.test.ts', 'src/through-helper.test.ts'])
  })

  it('runs a file that reaches the test database module, directly, through a helper or a dynamic import past a cycle', () => {
    assert.equal(uses('src/through-helper.test.ts'), true)
    assert.equal(uses('src/dynamic.test.ts'), true)
  })

  it('runs a file that names TEST_DATABASE_URL itself', () => {
    assert.equal(uses('src/names-the-url.test.ts'), true)
  })

  it('leaves out a file whose imports never reach it (a cycle among them included)', () => {
    assert.equal(uses('src/pure.test.ts'), false)
  })

  it('on this repository: the database tests run, the pure ones do not', () => {
    const repo = makeUsesTestDatabase(process.cwd())
    assert.equal(repo('src/features/offers/offers.repository.test.ts'), true)
    assert.equal(repo('src/cluster.test.ts'), true)
    assert.equal(repo('src/platform/html.test.ts'), false)
  })
})

describe('the order test files start in', () => {
  it('starts the longest first, in their order, then the rest sorted', () => {
    const files = ['tests/z.test.ts', 'tests/e2e/tour.test.ts', 'src/a.test.ts', 'src/db/backup.test.ts', 'tests/e2e/access.test.ts']
    assert.deepEqual(longestFirst(files), ['src/db/backup.test.ts', 'tests/e2e/access.test.ts', 'tests/e2e/tour.test.ts', 'src/a.test.ts', 'tests/z.test.ts'])
  })

  it('names only files that exist (a renamed one would silently start in its usual place)', () => {
    const missing = LONGEST_FIRST.filter((f) => !fs.existsSync(path.join(process.cwd(), f)))
    assert.deepEqual(missing, [])
  })
})
