import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ARGON2_SLOTS, argon2Queue, hashSecret, verifySecret } from './passwords.ts'

test('argon2id runs at most ARGON2_SLOTS hashes at a time (one per core but the event loop\'s); the others wait their turn and all complete', async () => {
  assert.ok(ARGON2_SLOTS >= 1)
  const secrets = Array.from({ length: ARGON2_SLOTS * 3 }, (_, i) => `a secret of ${i}`)
  const hashes = Promise.all(secrets.map((s) => hashSecret(s)))
  // The limiter starts its tasks in a microtask; a hash takes milliseconds, far longer than a turn of the loop.
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(argon2Queue(), { running: ARGON2_SLOTS, waiting: ARGON2_SLOTS * 2 })
  const done = await hashes
  assert.deepEqual(argon2Queue(), { running: 0, waiting: 0 })
  // Verifications share the same slots, and each hash is of its own secret.
  const checks = await Promise.all(done.flatMap((h, i) => [verifySecret(h, secrets[i]!), verifySecret(h, secrets[(i + 1) % secrets.length]!)]))
  assert.deepEqual(checks, secrets.flatMap(() => [true, false]))
})
