import assert from 'node:assert/strict'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, mock, test } from 'node:test'
import { logOutput } from './log-output.ts'

describe('the log output', () => {
  let dir: string
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-output-'))
    mock.timers.enable({ apis: ['setInterval'] })
  })
  afterEach(() => {
    mock.timers.reset()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  const line = '{"msg":"request completed","url":"/en/offers"}\n'

  test('holds short lines until the next flush, then writes them in one go', async () => {
    const file = path.join(dir, 'log')
    const out = logOutput(1000, file)
    await once(out.stream, 'ready')
    const written = once(out.stream, 'write')
    for (let i = 0; i < 10; i++) out.stream.write(line)
    mock.timers.tick(1000)
    // One write of all ten: written line by line, the first write would be one line long.
    const [bytes] = (await written) as [number]
    assert.equal(bytes, 10 * line.length)
    assert.equal(fs.readFileSync(file, 'utf8'), line.repeat(10))
    out.close()
  })

  test('writes what it holds when closed (the process exits)', async () => {
    const file = path.join(dir, 'log')
    const out = logOutput(1000, file)
    await once(out.stream, 'ready')
    out.stream.write(line)
    out.close()
    assert.equal(fs.readFileSync(file, 'utf8'), line)
  })

  test('with 0, writes each line at once', () => {
    const file = path.join(dir, 'log')
    const out = logOutput(0, file)
    out.stream.write(line)
    assert.equal(fs.readFileSync(file, 'utf8'), line)
    out.close()
  })
})
