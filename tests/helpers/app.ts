import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppDeps } from '../../src/app.ts'
import { testConfig, type Config } from '../../src/config.ts'
import type { DatabaseHandle } from '../../src/db/connect.ts'
import { TestClock } from '../../src/platform/clock.ts'
import { freshDatabase } from './database.ts'

export interface TestApp {
  app: FastifyInstance
  database: DatabaseHandle
  db: DatabaseHandle['db']
  clock: TestClock
  config: Config
  /** Every structured log line the app wrote. */
  logs: string[]
  close(): Promise<void>
}

/**
 * The whole portal on a fresh database with a test clock; `configure` may add
 * routes (e.g. one that throws) before the app is ready.
 */
export async function testApp(
  options: {
    config?: Partial<Config>
    deps?: Partial<AppDeps>
    configure?: (app: FastifyInstance) => void | Promise<void>
  } = {},
): Promise<TestApp> {
  const database = await freshDatabase()
  const clock = new TestClock()
  const config = testConfig({ logLevel: 'info', ...options.config })
  const logs: string[] = []
  const logStream = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk))
      done()
    },
  })
  const app = await buildApp({ config, db: database.db, clock, logStream, ...options.deps })
  await options.configure?.(app)
  await app.ready()
  return {
    app,
    database,
    db: database.db,
    clock,
    config,
    logs,
    close: async () => {
      await app.close()
      await database.close()
    },
  }
}
