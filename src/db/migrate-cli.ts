import { loadConfig } from '../config.ts'
import { openDatabase } from './connect.ts'
import { migrateToLatest } from './migrate.ts'

/** `npm run migrate`: applies pending migrations to the configured database. */
const config = loadConfig()
const handle = await openDatabase(config)
try {
  const result = await migrateToLatest(handle.db)
  const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? []
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.')
} finally {
  await handle.close()
}
