import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BoundedMap } from './bounded-map.ts'

describe('a bounded map of remembered answers', () => {
  it('keeps up to its maximum, then starts again with the new key', () => {
    const map = new BoundedMap<string, number>(3)
    for (const [k, v] of [['a', 1], ['b', 2], ['c', 3]] as const) map.set(k, v)
    map.set('b', 20)
    assert.deepEqual([...map], [['a', 1], ['b', 20], ['c', 3]], 'replacing a known key drops nothing')
    map.set('d', 4)
    assert.deepEqual([...map], [['d', 4]])
  })
})
