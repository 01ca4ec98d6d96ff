import os from 'node:os'
import { hash } from '@node-rs/argon2'

/** OWASP's argon2id setting (19 MiB, 2 passes, 1 lane), as the portal's sign-in will use. */
export const OWASP_ARGON2ID = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

export interface Argon2Result {
  setting: typeof OWASP_ARGON2ID & { algorithm: 'argon2id' }
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
  const first = await hash(password, OWASP_ARGON2ID)
  if (!first.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')) throw new Error(`unexpected argon2 setting: ${first}`)

  const half = (seconds * 1000) / 2
  let sequential = 0
  let start = performance.now()
  while (performance.now() - start < half) {
    await hash(password, OWASP_ARGON2ID)
    sequential++
  }
  const sequentialMs = performance.now() - start

  const concurrency = os.availableParallelism()
  let concurrent = 0
  start = performance.now()
  const lane = async (): Promise<void> => {
    while (performance.now() - start < half) {
      await hash(password, OWASP_ARGON2ID)
      concurrent++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane))
  const concurrentMs = performance.now() - start

  return {
    setting: { ...OWASP_ARGON2ID, algorithm: 'argon2id' },
    sequentialHashesPerSecond: (sequential * 1000) / sequentialMs,
    msPerHash: sequentialMs / sequential,
    concurrentHashesPerSecond: (concurrent * 1000) / concurrentMs,
    concurrency,
  }
}
