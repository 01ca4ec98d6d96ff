import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { DatabaseHandle } from '../../db/connect.ts'
import { TestClock } from '../../platform/clock.ts'
import { freshDatabase } from '../../../tests/helpers/database.ts'
import { createUser } from '../../../tests/helpers/users.ts'
import { monthsAfter, monthsBefore, runDormancy } from './dormancy.service.ts'

describe('dormancy: calendar months', () => {
  it('keeps the day, or the month’s last day', () => {
    assert.equal(monthsBefore(new Date('2026-03-31T12:00:00Z'), 1).toISOString(), '2026-02-28T12:00:00.000Z')
    assert.equal(monthsBefore(new Date('2028-03-31T12:00:00Z'), 1).toISOString(), '2028-02-29T12:00:00.000Z')
    assert.equal(monthsBefore(new Date('2026-01-15T15:00:00Z'), 24).toISOString(), '2024-01-15T15:00:00.000Z')
    assert.equal(monthsAfter(new Date('2026-01-15T15:00:00Z'), 18).toISOString(), '2027-07-15T15:00:00.000Z')
    assert.equal(monthsAfter(new Date('2026-08-31T00:00:00Z'), 6).toISOString(), '2027-02-28T00:00:00.000Z')
  })
})

describe('dormancy job', () => {
  let database: DatabaseHandle
  before(async () => (database = await freshDatabase()))
  after(() => database.close())

  it('passes running at the same time send each warning once and make a user dormant once', async () => {
    const clock = new TestClock('2026-01-15T15:00:00Z')
    const users = await Promise.all(['a', 'b', 'c'].map((n) => createUser(database.db, { username: `dorm.${n}` }, clock.now())))
    clock.set(monthsAfter(clock.now(), 18))
    clock.advance(60_000)
    const deps = { db: database.db, clock, timeZone: 'America/Toronto' }
    const first = await Promise.all([runDormancy(deps), runDormancy(deps), runDormancy(deps)])
    assert.equal(first.reduce((n, r) => n + r.warned18, 0), users.length)
    const outbox = await database.db.selectFrom('email_outbox').select('to_address').where('template', '=', 'accessDormancyWarning18').execute()
    assert.deepEqual(outbox.map((r) => r.to_address).sort(), users.map((u) => u.email).sort())
    clock.set(monthsAfter(new Date('2026-01-15T15:00:00Z'), 24))
    clock.advance(60_000)
    const second = await Promise.all([runDormancy(deps), runDormancy(deps)])
    assert.equal(second.reduce((n, r) => n + r.madeDormant, 0), users.length)
    // The 23-month warning was never sent (the job did not run then): dormancy is not delayed for it.
    assert.equal((await database.db.selectFrom('app_user').select('id').where('status', '=', 'dormant').execute()).length, users.length)
    assert.equal((await database.db.selectFrom('audit_event').select('id').where('action', '=', 'access.user_dormant').execute()).length, users.length)
  })
})
