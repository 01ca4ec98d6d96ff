import crypto from 'node:crypto'
import { parseArgs } from 'node:util'
import { sql, type RawBuilder } from 'kysely'
import { ConfigError, loadConfig } from '../src/config.ts'
import { DataDirInUseError, openDatabase, type Db } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { hashSecret } from '../src/features/auth/passwords.ts'
import { renderMessage } from '../src/features/notifications/render.ts'

/**
 * `npm run seed:scale -- --employers N [--offers M] [--audit-per-employer K]
 *                        [--batch 1000] [--prefix scale-x] [--password …]`
 *
 * Fills the configured database (the embedded one in PORTAL_DATA_DIR, or DATABASE_URL)
 * with volume for the benchmark, in multi-row INSERT batches, with a progress bar on
 * standard error and the time each step took:
 *   - employers: one employer user each, all sharing one argon2id hash computed once (so
 *     N users cost one hash), each the primary user of a business of their own;
 *   - audit_event rows for each of those users;
 *   - offers spread over the businesses, the first business taking `--busiest` of them
 *     (default 10,000: the benchmark's queue), in every status with answers in every
 *     section, searchable columns filled; an approved payment for each submitted offer;
 *   - `--messages-per-employer` account messages each, and the messages the offers brought
 *     their creator (a submission and a receipt per submitted offer: the busiest
 *     representative has ~14,000), all read but one in a hundred;
 *   - with `--officer-totp <base32 secret>`, an officer `<prefix>-officer` (same password,
 *     that second factor set up) for the console scenarios;
 *   - with `--api-token ep_…`, that personal API token (read, drafts) for the first
 *     employer's business, for the API scenarios.
 * Every seeded user is named `<prefix>-employer-<n>` and can sign in with --password.
 */

const { values: args } = parseArgs({
  options: {
    employers: { type: 'string', default: '1000' },
    offers: { type: 'string', default: '0' },
    'audit-per-employer': { type: 'string', default: '5' },
    busiest: { type: 'string', default: '10000' },
    'messages-per-employer': { type: 'string', default: '3' },
    batch: { type: 'string', default: '1000' },
    prefix: { type: 'string', default: `scale-${Date.now().toString(36)}` },
    password: { type: 'string', default: 'scale-test-password-1' },
    'if-absent': { type: 'boolean', default: false },
    'officer-totp': { type: 'string' },
    'api-token': { type: 'string' },
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
const busiest = Math.min(count('busiest', args.busiest), offers)
const messagesPerEmployer = count('messages-per-employer', args['messages-per-employer'])
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

  // One hash for every seeded user: argon2id costs ~15 ms, a million of them would cost hours.
  const hashStarted = performance.now()
  const passwordHash = await hashSecret(args.password!)
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

  // --- Businesses: one per employer, its user the primary user -------------------
  const firstEmployerNumber = Number((await sql<{ n: string }>`select nextval('employer_number_seq')::text as n`.execute(db)).rows[0]!.n)
  await sql`select setval('employer_number_seq', ${firstEmployerNumber + userIds.length})`.execute(db)
  const seedTag = prefix.replace(/[^a-z0-9]/g, '').slice(-6).padStart(6, '0')
  const businesses = await insertInBatches(
    'businesses',
    userIds.length,
    batchSize,
    (i) => ({
      // Unique per seed run: 9 digits from the prefix's tag and the index (not a real Luhn-checked number).
      business_number: String((Number.parseInt(seedTag, 36) % 1000 + i * 1000) % 1_000_000_000).padStart(9, '0'),
      legal_name: `Scale ${prefix} Employer ${i + 1} Inc.`,
      legal_name_key: `scale ${prefix} employer ${i + 1} inc.`,
      operating_name: `Scale Employer ${i + 1}`,
      street: `${i + 1} Main Street`,
      city: 'Ottawa',
      province: 'ON',
      postal_code: 'K1A 0B1',
      phone: '+16135550100',
      employer_number: `E${String(firstEmployerNumber + i).padStart(7, '0')}`,
      created_at: now,
      updated_at: now,
    }),
    async (rows) => affected(await db.insertInto('business').values(rows).execute()),
  )
  report.push(`${businesses.rows.toLocaleString('en-CA')} businesses in ${businesses.seconds.toFixed(1)} s`)
  const businessIds = (await db.selectFrom('business').select(['id', 'legal_name_key']).where('legal_name_key', 'like', `scale ${prefix} employer %`).execute())
    .map((b) => ({ id: b.id, n: Number(/employer (\d+) inc\.$/.exec(b.legal_name_key)![1]) }))
    .sort((a, b) => a.n - b.n)
    .map((b) => b.id)
  const members = await insertInBatches(
    'memberships',
    businessIds.length,
    batchSize,
    (i) => ({ business_id: businessIds[i]!, user_id: userIds[i]!.id, role: 'primary' as const, created_at: now }),
    async (rows) => affected(await db.insertInto('business_membership').values(rows).execute()),
  )
  report.push(`${members.rows.toLocaleString('en-CA')} primary memberships in ${members.seconds.toFixed(1)} s`)

  // --- Offers --------------------------------------------------------------------
  // The first business takes `busiest` offers (the benchmark's queue); the rest are spread.
  const statuses = ['draft', 'awaiting_payment', 'pending', 'pending', 'pending', 'matched', 'withdrawn'] as const
  const FAMILY = ['Nguyễn', 'Tremblay', 'García', 'O’Brien', 'Singh', 'Kowalski', 'Mbeki', 'Lefèvre', 'Chen', 'Haddad']
  const GIVEN = ['Mai', 'Luc', 'Ana', 'Siobhán', 'Arjun', 'Zofia', 'Thabo', 'Élise', 'Wei', 'Omar']
  const firstNumber = Number((await sql<{ n: string }>`select nextval('offer_number_seq')::text as n`.execute(db)).rows[0]!.n)
  await sql`select setval('offer_number_seq', ${firstNumber + offers})`.execute(db)
  const ownerOf = (i: number) => (i < busiest || businessIds.length === 1 ? 0 : 1 + ((i - busiest) % (businessIds.length - 1)))
  // The submitted offers' daily tally is counted once after the load rather than by its trigger
  // at each row: a batch's offers share a day, so each would update the same row again.
  await sql`alter table offer disable trigger offer_submission_tally_insert`.execute(db)
  const offerRows = await insertInBatches(
    'offers',
    businessIds.length ? offers : 0,
    batchSize,
    (i) => {
      const owner = ownerOf(i)
      const status = statuses[i % statuses.length]!
      const submitted = status !== 'draft' && status !== 'awaiting_payment'
      const family = FAMILY[i % FAMILY.length]!
      const given = GIVEN[Math.floor(i / FAMILY.length) % GIVEN.length]!
      const passport = `P${String(i).padStart(8, '0')}`
      const changed = new Date(now.getTime() - (offers - i) * 60_000)
      const answers = {
        exemption: { exemptionCode: 'C10', exemptionExplanation: 'Significant cultural benefit.', feeExemption: 'none' },
        business: { employees: '12', yearStarted: '2001', mainActivities: 'Restaurant.' },
        job: { jobTitle: i % 2 ? 'Cook' : 'Software developer', nocCode: i % 2 ? '63200' : '21232', mainDuties: 'Duties.', workStreet: '1 Main Street', workCity: 'Ottawa', workProvince: 'ON', workPostalCode: 'K1A 0B1', startDate: '2027-06-01', endDate: '2028-05-31', hoursPerWeek: '40', additionalLocation: 'no' },
        worker: { familyName: `${family}${i}`, givenNames: given, sex: 'F', dateOfBirth: '1990-01-01', countryOfBirth: 'VN', countryOfResidence: 'VN', citizenship: 'VN', passportNumber: passport },
      }
      return {
        business_id: businessIds[owner]!,
        branch_id: null,
        status,
        offer_number: submitted ? `A${String(firstNumber + i).padStart(7, '0')}` : null,
        answers: JSON.stringify(answers),
        worker_name: `${family}${i}, ${given}`,
        job_title: answers.job.jobTitle,
        passport_key: passport,
        created_by: userIds[owner]!.id,
        created_at: changed,
        updated_at: changed,
        submitted_at: submitted ? changed : null,
        withdrawn_at: status === 'withdrawn' ? changed : null,
        withdrawal_reason: status === 'withdrawn' ? 'Seeded' : null,
      }
    },
    async (rows) => affected(await db.insertInto('offer').values(rows).execute()),
  ).finally(() => sql`alter table offer enable trigger offer_submission_tally_insert`.execute(db))
  await sql`select offer_submission_tally_recount()`.execute(db)
  report.push(`${offerRows.rows.toLocaleString('en-CA')} offers (${busiest.toLocaleString('en-CA')} for the first business) in ${offerRows.seconds.toFixed(1)} s`)

  // An approved payment for every submitted offer, written set-wise by the database.
  const paymentsStarted = performance.now()
  const paid = await sql`
    insert into payment (id, purpose_type, purpose_id, business_id, created_by_user_id, amount_cents, currency, gateway, status,
                         idempotency_key, lang, receipt_number, approved_at, card_brand, card_last4, gateway_transaction_id, created_at, updated_at)
    select gen_random_uuid(), 'offer', o.id, o.business_id, o.created_by, 23000, 'CAD', 'embedded',
           case when o.status = 'withdrawn' then 'refunded' else 'approved' end,
           'seed-' || o.id, 'en', 'EC-SEED-' || o.offer_number, o.submitted_at, 'Visa', '4242', 'TG-SEED-' || o.offer_number, o.submitted_at, o.submitted_at
    from offer o join business b on b.id = o.business_id
    where b.legal_name_key like ${`scale ${prefix} employer %`} and o.offer_number is not null`.execute(db)
  report.push(`${Number(paid.numAffectedRows ?? 0n).toLocaleString('en-CA')} payments in ${((performance.now() - paymentsStarted) / 1000).toFixed(1)} s`)

  // --- Account messages ----------------------------------------------------------
  const messages = await insertInBatches(
    'messages',
    userIds.length * messagesPerEmployer,
    batchSize,
    (i) => {
      const user = userIds[Math.floor(i / messagesPerEmployer)]!
      const params = { name: user.username }
      return {
        user_id: user.id,
        template: 'welcome',
        params: JSON.stringify(params),
        lang: 'en' as const,
        ...renderMessage('welcome', 'en', params),
        created_at: new Date(now.getTime() - i * 1000),
      }
    },
    async (rows) => affected(await db.insertInto('account_message').values(rows).execute()),
  )
  report.push(`${messages.rows.toLocaleString('en-CA')} account messages in ${messages.seconds.toFixed(1)} s`)

  // What the offers brought their creators, as the portal writes it (offers.service submit, payment
  // receipt): the history that the header's unread count and the messages page must not walk.
  // Their words are the templates' (render.ts), each offer's values put in by the database in
  // place of the control characters standing for them: lists and the API read texts of real length.
  const offerMessagesStarted = performance.now()
  const offerValues = { offerNumber: '\u0001', worker: '\u0002', job: '\u0003', receipt: '\u0004', business: '\u0005', date: '\u0006' }
  const submittedText = renderMessage('offerSubmitted', 'en', offerValues)
  // The fee and card of the payments above, as the receipt writes them (payment.service sendReceipt).
  const fee = { amount: '230.00', card: 'Visa •••• 4242' }
  const receiptText = renderMessage('paymentReceipt', 'en', { ...offerValues, ...fee })
  const receipt = sql`'EC-SEED-' || o.offer_number`
  const paidAt = sql`to_char(o.submitted_at, 'YYYY-MM-DD HH24:MI')`
  const filledIn = (text: RawBuilder<unknown>) =>
    sql`replace(replace(replace(replace(replace(replace(${text}, chr(1), o.offer_number), chr(2), o.worker_name), chr(3), o.job_title), chr(4), ${receipt}), chr(5), b.legal_name), chr(6), ${paidAt})`
  const offerMessages = await sql`
    insert into account_message (user_id, template, params, lang, subject, body, created_at, read_at)
    select o.created_by, m.template,
           case when m.template = 'offerSubmitted' then jsonb_build_object('offerNumber', o.offer_number, 'worker', o.worker_name, 'job', o.job_title)
                else jsonb_build_object('receipt', ${receipt}, 'date', ${paidAt}, 'amount', ${fee.amount}::text, 'card', ${fee.card}::text, 'offerNumber', o.offer_number, 'business', b.legal_name) end,
           'en', ${filledIn(sql`m.subject`)}, ${filledIn(sql`m.body`)}, o.submitted_at + m.later,
           case when hashtext(o.offer_number || m.template) % 100 <> 0 then o.submitted_at + m.later + interval '1 hour' end
    from offer o join business b on b.id = o.business_id
    cross join (values ('offerSubmitted', ${submittedText.subject}::text, ${submittedText.body}::text, interval '0'),
                       ('paymentReceipt', ${receiptText.subject}::text, ${receiptText.body}::text, interval '1 second')) as m(template, subject, body, later)
    where b.legal_name_key like ${`scale ${prefix} employer %`} and o.offer_number is not null`.execute(db)
  report.push(`${Number(offerMessages.numAffectedRows ?? 0n).toLocaleString('en-CA')} account messages about the offers (submission, receipt) in ${((performance.now() - offerMessagesStarted) / 1000).toFixed(1)} s`)

  // --- Staff and API ---------------------------------------------------------------
  if (args['officer-totp']) {
    const username = `${prefix}-officer`
    // The secret goes in the clear: the portal seals it at its next start (src/server.ts).
    await db
      .insertInto('app_user')
      .values({ role: 'officer', username, username_key: username, email: `${username}@example.com`, email_key: `${username}@example.com`, email_verified_at: now, password_hash: passwordHash, given_name: 'Scale', family_name: 'Officer', totp_secret: args['officer-totp'], totp_enabled_at: now, created_at: now, updated_at: now })
      .execute()
    report.push(`an officer, ${username}, with a second factor`)
  }
  if (args['api-token'] && userIds.length > 0) {
    const token = args['api-token']
    await db
      .insertInto('api_token')
      .values({ user_id: userIds[0]!.id, business_id: businessIds[0]!, name: 'seed:scale', scopes: 'read drafts', token_hash: crypto.createHash('sha256').update(token).digest('hex'), token_prefix: token.slice(0, 9), created_at: now, expires_at: new Date(now.getTime() + 365 * 86_400_000) })
      .execute()
    report.push(`an API token (read, drafts) for ${userIds[0]!.username}'s business`)
  }

  // As the portal's hourly maintenance (embedded) or autovacuum (PostgreSQL) would leave it: one
  // bulk transaction updated each creator's message tally thousands of times.
  await sql`vacuum (analyze)`.execute(db)
  return report
}

async function main(): Promise<void> {
  const config = loadConfig()
  const database = await openDatabase(config)
  try {
    await migrateToLatest(database.db)
    const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${config.dataDir}`
    console.log(`Seeding ${where}, prefix "${prefix}", batches of ${batchSize}`)
    if (args['if-absent'] && (await database.db.selectFrom('app_user').select('id').where('username_key', '=', `${prefix}-employer-1`).executeTakeFirst())) {
      console.log(`Already seeded (${prefix}-employer-1 exists): nothing done.`)
      return
    }
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
