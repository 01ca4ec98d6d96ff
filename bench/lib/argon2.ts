import os from 'node:os'
import { hash } from '@node-rs/argon2'
import { ARGON2_SETTING, madeWithOtherSetting } from '../../src/features/auth/passwords.ts'

export interface Argon2Result {
  setting: typeof ARGON2_SETTING & { algorithm: 'argon2id' }
  /** One hash at a time: the latency a single sign-in pays. */
  sequentialHashesPerSecond: number
  msPerHash: number
  /** `concurrency` hashes in flight on the libuv pool: the process's sign-in ceiling. */
  concurrentHashesPerSecond: number
  concurrency: number
}

/**
 * argon2id hashes per second, in this process (@node-rs/argon2 runs on the libuv
 * thread pool, so the event loop stays free): half the time one at a time, half
 * with as many in flight as the machine has cores.
 */
export async function measureArgon2(seconds: number): Promise<Argon2Result> {
  const password = 'correct horse battery staple'
  // The portal's setting; the library's default algorithm is argon2id.
  const first = await hash(password, ARGON2_SETTING)
  if (madeWithOtherSetting(first)) throw new Error(`unexpected argon2 setting: ${first}`)

  const half = (seconds * 1000) / 2
  let sequential = 0
  let start = performance.now()
  while (performance.now() - start < half) {
    await hash(password, ARGON2_SETTING)
    sequential++
  }
  const sequentialMs = performance.now() - start

  const concurrency = os.availableParallelism()
  let concurrent = 0
  start = performance.now()
  const lane = async (): Promise<void> => {
    while (performance.now() - start < half) {
      await hash(password, ARGON2_SETTING)
      concurrent++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane))
  const concurrentMs = performance.now() - start

  return {
    setting: { ...ARGON2_SETTING, algorithm: 'argon2id' },
    sequentialHashesPerSecond: (sequential * 1000) / sequentialMs,
    msPerHash: sequentialMs / sequential,
    concurrentHashesPerSecond: (concurrent * 1000) / concurrentMs,
    concurrency,
  }
}
