import fs from 'node:fs'
import path from 'node:path'
import { Kysely, PostgresDialect } from 'kysely'
import type pg from 'pg'
import type { Database } from './database.ts'
import { InProcessEngine, newPGlite, type EmbeddedEngine } from './embedded-engine.ts'
import { openThreadEngine } from './pglite-thread.ts'
import { PGlitePool } from './pglite-pool.ts'
import { enableReadCache } from './read-cache.ts'

export type Db = Kysely<Database>

export interface DatabaseHandle {
  db: Db
  kind: 'embedded' | 'postgres'
  /** The embedded database's pool (for bulk loads and dumps); undefined on PostgreSQL. */
  embedded?: PGlitePool
  close(): Promise<void>
}

function embeddedHandle(engine: EmbeddedEngine, onClose?: () => void): DatabaseHandle {
  const pool = new PGlitePool(engine)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) })
  // One process owns this database: reads of the session, user and memberships may be served between writes.
  enableReadCache(db, pool)
  return {
    db,
    kind: 'embedded',
    embedded: pool,
    close: async () => {
      await db.destroy()
      // Kysely skips the driver when no query ever ran; the PGlite must close regardless.
      await pool.end()
      onClose?.()
    },
  }
}

/** An in-memory embedded database (tests), optionally loaded from a dump of a prepared one. */
export async function openMemory(from?: Blob, options: { thread?: boolean } = {}): Promise<DatabaseHandle> {
  if (options.thread) return embeddedHandle(await openThreadEngine({ load: from ? await from.arrayBuffer() : undefined }))
  return embeddedHandle(new InProcessEngine(await newPGlite(undefined, from)))
}

export class DataDirInUseError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database in ${dir} is already in use by process ${pid}. ` +
        'Stop that process first; to run several portal processes, use PostgreSQL (set DATABASE_URL).',
    )
    this.name = 'DataDirInUseError'
  }
}

/**
 * The embedded database persisted under `dir`. PGlite has one connection and no
 * postmaster, so two processes must never open the same folder: a lock file with
 * our pid guards it, and a stale lock (its process gone) is taken over.
 */
export async function openEmbedded(folder: string): Promise<DatabaseHandle> {
  const dir = path.resolve(folder)
  fs.mkdirSync(dir, { recursive: true })
  const lockFile = path.join(dir, 'portal.lock')
  takeLock(lockFile, dir)
  openDirs.add(dir)
  let engine: EmbeddedEngine
  try {
    engine = await openThreadEngine({ dataDir: path.join(dir, 'pgdata') })
  } catch (err) {
    dropLock(lockFile, dir)
    throw err
  }
  return embeddedHandle(engine, () => dropLock(lockFile, dir))
}

/**
 * Runs `fn` holding the data folder's lock without opening the database (restore
 * replaces the folder's files): refused while a live process has the folder open.
 */
export async function withDataDirLock<T>(folder: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = path.resolve(folder)
  fs.mkdirSync(dir, { recursive: true })
  const lockFile = path.join(dir, 'portal.lock')
  takeLock(lockFile, dir)
  openDirs.add(dir)
  try {
    return await fn(dir)
  } finally {
    dropLock(lockFile, dir)
  }
}

/** Folders this process has open (the lock file alone cannot tell our own pid apart). */
const openDirs = new Set<string>()

function takeLock(lockFile: string, dir: string): void {
  if (openDirs.has(dir)) throw new DataDirInUseError(dir, process.pid)
  try {
    fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' })
    return
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  const holder = Number(fs.readFileSync(lockFile, 'utf8'))
  if (holder && holder !== process.pid && isAlive(holder)) throw new DataDirInUseError(dir, holder)
  fs.writeFileSync(lockFile, String(process.pid))
}

function dropLock(lockFile: string, dir: string): void {
  openDirs.delete(dir)
  fs.rmSync(lockFile, { force: true })
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export async function openDatabase(config: {
  databaseUrl: string | undefined
  dataDir: string
  dbPoolSize: number
  dbPreparedStatements?: boolean
  dbPipelineConnections?: number
}): Promise<DatabaseHandle> {
  if (!config.databaseUrl) return openEmbedded(config.dataDir)
  // pg is loaded only by a portal on PostgreSQL.
  const { openPostgres } = await import('./postgres.ts')
  return openPostgres(config.databaseUrl, config.dbPoolSize, { preparedStatements: config.dbPreparedStatements, sharedConnections: config.dbPipelineConnections })
}
