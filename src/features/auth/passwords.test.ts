import assert from 'node:assert/strict'
import { test } from 'node:test'
import { hash, type Algorithm } from '@node-rs/argon2'
import { ARGON2_SETTING, ARGON2_SLOTS, argon2Queue, hashSecret, madeWithOtherSetting, verifySecret } from './passwords.ts'

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

test("hashes with the current setting; a hash of another setting still verifies and is known as one to make again", async () => {
  // One of OWASP's equivalent argon2id settings (memory in KiB, passes), never a weaker one.
  const owasp = [[47104, 1], [19456, 2], [12288, 3], [9216, 4], [7168, 5]]
  assert.ok(owasp.some(([m, t]) => ARGON2_SETTING.memoryCost === m && ARGON2_SETTING.timeCost === t) && ARGON2_SETTING.parallelism === 1)
  const current = await hashSecret('a secret')
  assert.match(current, new RegExp(`^\\$argon2id\\$v=19\\$m=${ARGON2_SETTING.memoryCost},t=${ARGON2_SETTING.timeCost},p=${ARGON2_SETTING.parallelism}\\$`))
  assert.equal(madeWithOtherSetting(current), false)
  const older = await hash('a secret', { algorithm: 2 as Algorithm, memoryCost: 19456, timeCost: 2, parallelism: 1 })
  assert.equal(madeWithOtherSetting(older), true)
  assert.equal(await verifySecret(older, 'a secret'), true)
  assert.equal(await verifySecret(older, 'another secret'), false)
})
