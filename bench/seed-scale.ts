import { parseArgs } from 'node:util'
import { hash } from '@node-rs/argon2'
import { sql } from 'kysely'
import { ConfigError, loadConfig } from '../src/config.ts'
import { DataDirInUseError, openDatabase, type Db } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { OWASP_ARGON2ID } from './lib/argon2.ts'

/**
 * `npm run seed:scale -- --employers N [--offers M] [--audit-per-employer K]
 *                        [--batch 1000] [--prefix scale-x] [--password …]`
 *
 * Fills the configured database (the embedded one in PORTAL_DATA_DIR, or DATABASE_URL)
 * with volume for the benchmark, in multi-row INSERT batches, with a progress bar on
 * standard error and the time each step took. It seeds only what exists today and says
 * plainly what it did not seed:
 *   - employers: today one employer *user* each (app_user, all sharing one argon2id hash
 *     computed once, so N users cost one hash); LATER: the business, its membership
 *     and its address, in the places marked below;
 *   - audit_event rows for each of those users;
 *   - offers: LATER, when the offer tables exist (marked below); today nothing.
 * Every seeded user is named `<prefix>-employer-<n>` and can sign in with --password.
 */

const { values: args } = parseArgs({
  options: {
    employers: { type: 'string', default: '1000' },
    offers: { type: 'string', default: '0' },
    'audit-per-employer': { type: 'string', default: '5' },
    batch: { type: 'string', default: '1000' },
    prefix: { type: 'string', default: `scale-${Date.now().toString(36)}` },
    password: { type: 'string', default: 'scale-test-password-1' },
  },
})

function count(name: string, value: string | undefined, min = 0): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min} (got ${value})`)
  return n
}

const employers = count('employers', args.employers)
const offers = count('offers', args.offers)
const auditPerEmployer = count('audit-per-employer', args['audit-per-employer'])
const batchSize = count('batch', args.batch, 1)
const prefix = args.prefix!.toLowerCase()

/** A progress bar on standard error (one line per 10 % when it is not a terminal). */
export class Progress {
  private readonly started = performance.now()
  private lastDecile = -1
  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}

  update(done: number): void {
    const fraction = this.total === 0 ? 1 : done / this.total
    const rate = done / Math.max((performance.now() - this.started) / 1000, 1e-3)
    const text = `${this.label.padEnd(14)} [${'#'.repeat(Math.round(fraction * 30)).padEnd(30, '.')}] ${Math.floor(fraction * 100)
      .toString()
      .padStart(3)}%  ${done.toLocaleString('en-CA')}/${this.total.toLocaleString('en-CA')}  ${Math.round(rate).toLocaleString('en-CA')}/s`
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${text}`)
      if (done >= this.total) process.stderr.write('\n')
    } else {
      const decile = Math.floor(fraction * 10)
      if (decile !== this.lastDecile) {
        this.lastDecile = decile
        process.stderr.write(`${text}\n`)
      }
    }
  }

  seconds(): number {
    return (performance.now() - this.started) / 1000
  }
}

/**
 * Inserts `total` rows made by `row(i)` in batches of `batchSize` (one multi-row
 * INSERT each, by `insert`), showing progress; returns the rows inserted and the time.
 */
export async function insertInBatches<R>(
  label: string,
  total: number,
  batch: number,
  row: (i: number) => R,
  insert: (rows: R[]) => Promise<number>,
): Promise<{ rows: number; seconds: number }> {
  const progress = new Progress(label, total)
  let inserted = 0
  progress.update(0)
  for (let start = 0; start < total; start += batch) {
    const rows = Array.from({ length: Math.min(batch, total - start) }, (_, k) => row(start + k))
    inserted += await insert(rows)
    progress.update(start + rows.length)
  }
  return { rows: inserted, seconds: progress.seconds() }
}

const affected = (results: { numInsertedOrUpdatedRows?: bigint }[]): number =>
  results.reduce((sum, r) => sum + Number(r.numInsertedOrUpdatedRows ?? 0n), 0)

async function seed(db: Db): Promise<string[]> {
  const report: string[] = []
  const now = new Date()

  // One hash for every seeded user: argon2id costs ~7 ms, a million of them would cost hours.
  const hashStarted = performance.now()
  const passwordHash = await hash(args.password!, OWASP_ARGON2ID)
  report.push(`argon2id hash computed once in ${(performance.now() - hashStarted).toFixed(0)} ms and shared by every seeded user`)

  // --- Employers -------------------------------------------------------------
  // Today: one employer user per employer.
  const users = await insertInBatches(
    'employer users',
    employers,
    batchSize,
    (i) => {
      const username = `${prefix}-employer-${i + 1}`
      return {
        role: 'employer' as const,
        username,
        username_key: username,
        email: `${username}@example.com`,
        email_key: `${username}@example.com`,
        email_verified_at: now,
        password_hash: passwordHash,
        given_name: 'Scale',
        family_name: `Employer ${i + 1}`,
        created_at: now,
        updated_at: now,
      }
    },
    async (rows) => affected(await db.insertInto('app_user').values(rows).execute()),
  )
  report.push(`${users.rows.toLocaleString('en-CA')} employer users (app_user) in ${users.seconds.toFixed(1)} s`)
  // LATER (business tables): one business per employer, its address and the user's
  // membership, inserted the same way with insertInBatches(); report them here.

  // --- Audit trail -----------------------------------------------------------
  const userIds = (
    await db.selectFrom('app_user').select(['id', 'username']).where('username_key', 'like', `${prefix}-employer-%`).orderBy('username_key').execute()
  )
  const audits = await insertInBatches(
    'audit events',
    userIds.length * auditPerEmployer,
    batchSize,
    (i) => {
      const user = userIds[Math.floor(i / auditPerEmployer)]!
      return {
        occurred_at: new Date(now.getTime() - (userIds.length * auditPerEmployer - i) * 1000),
        actor_user_id: user.id,
        actor_label: user.username,
        action: i % auditPerEmployer === 0 ? 'account.created' : 'account.signed_in',
        object_type: 'app_user',
        object_id: user.id,
        ip: '127.0.0.1',
        details: JSON.stringify({ seed: prefix }),
      }
    },
    async (rows) => affected(await db.insertInto('audit_event').values(rows).execute()),
  )
  report.push(`${audits.rows.toLocaleString('en-CA')} audit events (audit_event) in ${audits.seconds.toFixed(1)} s`)

  // --- Offers ----------------------------------------------------------------
  // LATER (offer tables): spread `offers` over the businesses (the benchmark wants one
  // business with 10,000 offers for the queue's deep keyset page), with their sections,
  // in batches as above; then ANALYZE. Until then nothing is seeded and nothing counted.
  if (offers > 0) report.push(`offers: NOT seeded (the offer tables do not exist yet); --offers ${offers} was ignored`)

  await sql`analyze`.execute(db)
  return report
}

async function main(): Promise<void> {
  const config = loadConfig()
  const database = await openDatabase(config)
  try {
    await migrateToLatest(database.db)
    const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${config.dataDir}`
    console.log(`Seeding ${where}, prefix "${prefix}", batches of ${batchSize}`)
    const started = performance.now()
    const report = await seed(database.db)
    console.log(report.map((line) => `  - ${line}`).join('\n'))
    console.log(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s. Seeded users sign in as ${prefix}-employer-<n> with the password given by --password.`)
  } finally {
    await database.close()
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError || err instanceof DataDirInUseError ? err.message : err)
  process.exit(1)
})
