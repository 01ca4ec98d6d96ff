import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { SERVER_V8_FLAGS } from './v8-flags.ts'

// setFlagsFromString takes a flag this V8 does not know with a line on standard error and
// nothing else: a Node upgrade that renamed or dropped one would silently undo it.
test('every V8 flag the server sets is one this Node knows, and setting it says nothing', () => {
  for (const flag of SERVER_V8_FLAGS) {
    const onCommandLine = spawnSync(process.execPath, [flag, '-e', '0'], { encoding: 'utf8' })
    assert.equal(onCommandLine.status, 0, `${flag}: ${onCommandLine.stderr}`)
    const set = spawnSync(process.execPath, ['-e', `require('node:v8').setFlagsFromString(${JSON.stringify(flag)})`], { encoding: 'utf8' })
    assert.equal(set.stderr, '', flag)
  }
  // The check itself: a misspelt flag fails both ways.
  const misspelt = SERVER_V8_FLAGS[0].slice(0, -1)
  assert.notEqual(spawnSync(process.execPath, [misspelt, '-e', '0']).status, 0)
  assert.match(spawnSync(process.execPath, ['-e', `require('node:v8').setFlagsFromString(${JSON.stringify(misspelt)})`], { encoding: 'utf8' }).stderr, /unrecognized flag/)
})
