import { ConfigError, loadConfig } from '../config.ts'
import { BackupError, backupEmbedded, restoreEmbedded } from './backup.ts'
import { DataDirInUseError } from './connect.ts'

/**
 * `npm run backup -- <file>` and `npm run restore -- <file>`: the embedded database in
 * PORTAL_DATA_DIR, with the portal stopped. With DATABASE_URL, PostgreSQL's own
 * pg_dump / pg_restore do this (docs/operations.md).
 */
const [command, file] = process.argv.slice(2)
const say = (line: string) => process.stdout.write(`${line}\n`)

async function main(): Promise<number> {
  if ((command !== 'backup' && command !== 'restore') || !file) {
    console.error('Usage: npm run backup -- <file>   |   npm run restore -- <file>')
    return 2
  }
  const config = loadConfig()
  if (config.databaseUrl) {
    console.error(
      command === 'backup'
        ? 'DATABASE_URL is set: back up PostgreSQL with pg_dump, e.g. pg_dump --format=custom --file=portal.dump "$DATABASE_URL" (docs/operations.md).'
        : 'DATABASE_URL is set: restore PostgreSQL with pg_restore, e.g. pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" portal.dump (docs/operations.md).',
    )
    return 2
  }
  if (command === 'backup') {
    const result = await backupEmbedded(config.dataDir, file)
    say(`Backed up the embedded database in ${config.dataDir} to ${result.file} (${result.bytes} bytes).`)
  } else {
    const result = await restoreEmbedded(config.dataDir, file, new Date())
    say(`Restored ${file} into ${config.dataDir}.`)
    if (result.previous) say(`The database that was there is kept in ${result.previous}; delete it once the restored portal is checked.`)
  }
  return 0
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof DataDirInUseError || err instanceof BackupError) console.error(err.message)
    else console.error(err)
    process.exit(1)
  },
)
