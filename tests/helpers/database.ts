import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { openEmbedded, openMemory, type DatabaseHandle } from '../../src/db/connect.ts'
import { openPostgres } from '../../src/db/postgres.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { loadConfig } from '../../src/config.ts'

/**
 * A fresh, migrated database for one test. On the embedded engine: a clone of a
 * template migrated once per test process. With TEST_DATABASE_URL (CI's throwaway
 * PostgreSQL): a new database copied from the template the runner prepared.
 */
export const TEST_TEMPLATE_DB = 'portal_test_template'

export function usingPostgres(): boolean {
  return !!process.env.TEST_DATABASE_URL
}

let template: Promise<Blob> | undefined

/**
 * The test runner migrates one template for the whole run (`writeEmbeddedTemplate`) and names
 * its file here: a new embedded database costs PGlite's initdb (~2.5 s, and 6 s on a slow
 * machine) before the migrations, once in every test process otherwise.
 */
export const EMBEDDED_TEMPLATE_ENV = 'TEST_EMBEDDED_TEMPLATE'

/**
 * Migrates an in-memory database and keeps its dump (what PGlite's own clone() does), then
 * closes it: an open PGlite holds timers that would keep the test process alive.
 */
async function migratedTemplate(): Promise<Blob> {
  const handle = await openMemory()
  await migrateToLatest(handle.db)
  const dump = await handle.embedded!.exclusive((pg) => pg.dumpDataDir('none'))
  await handle.close()
  return dump
}

function urlWithDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

export async function freshDatabase(): Promise<DatabaseHandle> {
  const url = process.env.TEST_DATABASE_URL
  if (!url) {
    const file = process.env[EMBEDDED_TEMPLATE_ENV]
    template ??= file ? fs.promises.readFile(file).then((bytes) => new Blob([bytes])) : migratedTemplate()
    return openMemory(await template)
  }
  const name = `t_${crypto.randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await admin.query(`create database "${name}" template "${TEST_TEMPLATE_DB}"`)
  } finally {
    await admin.end()
  }
  // As the portal opens it (its pipelined connections included), unless the environment says otherwise.
  const handle = openPostgres(urlWithDatabase(url, name), 10, { sharedConnections: loadConfig({ NODE_ENV: 'test', DB_PIPELINE_CONNECTIONS: process.env.DB_PIPELINE_CONNECTIONS }).dbPipelineConnections })
  return {
    ...handle,
    close: async () => {
      await handle.close()
      const cleanup = new pg.Client({ connectionString: url })
      await cleanup.connect()
      try {
        await cleanup.query(`drop database if exists "${name}" with (force)`)
      } finally {
        await cleanup.end()
      }
    },
  }
}

/** Runs once before a tier: the migrated embedded template every test process loads (`EMBEDDED_TEMPLATE_ENV`). */
export async function writeEmbeddedTemplate(file: string): Promise<void> {
  const dump = await migratedTemplate()
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()))
}

/**
 * Runs once before the browser tier: an embedded data folder, migrated, that each journey's
 * portal starts from (a copy: tests/e2e/helpers/portal.ts) instead of running initdb and every
 * migration at its start.
 */
export async function writeEmbeddedDataFolder(folder: string): Promise<void> {
  fs.rmSync(folder, { recursive: true, force: true })
  const handle = await openEmbedded(folder)
  try {
    await migrateToLatest(handle.db)
  } finally {
    await handle.close()
  }
}

/** Runs once before the PostgreSQL tier: a migrated template every test copies. */
export async function preparePostgresTemplate(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await admin.query(`drop database if exists "${TEST_TEMPLATE_DB}" with (force)`)
    await admin.query(`create database "${TEST_TEMPLATE_DB}"`)
  } finally {
    await admin.end()
  }
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: urlWithDatabase(url, TEST_TEMPLATE_DB), max: 1 }) }),
  })
  try {
    await migrateToLatest(db)
  } finally {
    await db.destroy()
  }
}

/** A new, empty database on the PostgreSQL server (for migration races); dropped by the returned function. */
export async function emptyPostgresDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `e_${crypto.randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`create database "${name}"`)
  await admin.end()
  return {
    url: urlWithDatabase(url, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      await c.query(`drop database if exists "${name}" with (force)`)
      await c.end()
    },
  }
}
