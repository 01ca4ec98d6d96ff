import fs from 'node:fs'
import path from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { openEmbedded, withDataDirLock } from './connect.ts'
import { newPGlite } from './embedded-engine.ts'

/**
 * Backup and restore of the embedded database (PGlite). A backup is PGlite's own
 * dump of its data folder (`dumpDataDir`, a gzipped tar of the PostgreSQL files),
 * taken with the folder's lock held, so the portal must be stopped: the embedded
 * database lives inside one process and a running portal holds the lock.
 * PostgreSQL deployments use pg_dump / pg_restore instead (docs/operations.md).
 */

/** The folder PGlite keeps its files in, under PORTAL_DATA_DIR (as openEmbedded does). */
const PGDATA = 'pgdata'

export interface BackupResult {
  file: string
  bytes: number
}

/** Writes a backup of the embedded database in `dataDir` to `file` (owner-readable only: it holds personal data). */
export async function backupEmbedded(dataDir: string, file: string): Promise<BackupResult> {
  const target = path.resolve(file)
  if (!fs.existsSync(path.join(path.resolve(dataDir), PGDATA))) throw new BackupError(`There is no embedded database in ${path.resolve(dataDir)} to back up.`)
  const handle = await openEmbedded(dataDir)
  try {
    const dump = await handle.embedded!.exclusive((pg) => pg.dumpDataDir('gzip'))
    const bytes = Buffer.from(await dump.arrayBuffer())
    // Written beside the target then renamed: a backup interrupted halfway never looks complete.
    const partial = `${target}.partial`
    fs.writeFileSync(partial, bytes, { mode: 0o600 })
    fs.renameSync(partial, target)
    return { file: target, bytes: bytes.length }
  } finally {
    await handle.close()
  }
}

export interface RestoreResult {
  /** Where the database that was there before now is (kept, never deleted); undefined if the folder was empty. */
  previous: string | undefined
}

/**
 * Replaces the embedded database in `dataDir` with the backup in `file`. Refused while a
 * portal has the folder open (the lock file). The backup is first loaded into a folder of
 * its own and checked (it opens, and it is a portal database); only then is the current
 * database moved aside, to `pgdata.before-restore-<time>`, and the restored one put in its place.
 */
export async function restoreEmbedded(dataDir: string, file: string, now: Date): Promise<RestoreResult> {
  const source = path.resolve(file)
  if (!fs.existsSync(source)) throw new BackupError(`No backup file ${source}.`)
  return withDataDirLock(dataDir, async (dir) => {
    const staging = path.join(dir, `${PGDATA}.restoring`)
    fs.rmSync(staging, { recursive: true, force: true })
    fs.mkdirSync(staging)
    try {
      let pglite: PGlite | undefined
      try {
        pglite = await newPGlite(staging, new Blob([fs.readFileSync(source)]))
        const migrations = await pglite.query<{ n: number }>(`select count(*)::int as n from information_schema.tables where table_name = 'kysely_migration'`)
        if (migrations.rows[0]?.n !== 1) throw new BackupError(`${source} is not a backup of the Employer Portal's database.`)
      } catch (err) {
        if (err instanceof BackupError) throw err
        throw new BackupError(`${source} could not be read as a backup of the embedded database: ${(err as Error).message}`)
      } finally {
        await pglite?.close().catch(() => undefined)
      }
      const current = path.join(dir, PGDATA)
      let previous: string | undefined
      if (fs.existsSync(current)) {
        previous = path.join(dir, `${PGDATA}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`)
        fs.renameSync(current, previous)
      }
      fs.renameSync(staging, current)
      return { previous }
    } finally {
      fs.rmSync(staging, { recursive: true, force: true })
    }
  })
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BackupError'
  }
}
