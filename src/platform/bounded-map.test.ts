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

  it('remembers what it was asked to work out, and works it out again once dropped', () => {
    const map = new BoundedMap<string, string>(2)
    let made = 0
    const upper = (k: string) => map.remember(k, () => (made++, k.toUpperCase()))
    assert.deepEqual([upper('a'), upper('a'), upper('b')], ['A', 'A', 'B'])
    assert.equal(made, 2)
    upper('c')
    assert.equal(upper('a'), 'A')
    assert.equal(made, 4, 'a third key started the map again: "a" was worked out afresh')
  })
})
