import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { DatabaseHandle } from '../../db/connect.ts'
import { makeBusiness, makeOffer } from '../../../tests/helpers/console-fixtures.ts'
import { freshDatabase } from '../../../tests/helpers/database.ts'
import { createUser } from '../../../tests/helpers/users.ts'
import type { Actor } from '../../platform/audit.ts'
import { usernamesOf } from '../auth/users.repository.ts'
import { findOffer, queuePage, saveSection } from './offers.repository.ts'

/**
 * A section's save is one statement: the offer's answers and version, what this version
 * said (offer_version) and the audit entry exist together or not at all.
 */
describe('saving a section (one statement: the answers, the version kept, the audit entry)', () => {
  let database: DatabaseHandle
  let offerId: string
  let businessId: string
  let actor: Actor
  const now = new Date('2026-11-20T15:30:00Z')

  before(async () => {
    database = await freshDatabase()
    const user = await createUser(database.db, { username: 'repo-saver' })
    businessId = await makeBusiness(database.db, { eight: '87654321', legalName: 'Saves Inc.' })
    offerId = await makeOffer(database.db, { businessId, userId: user.id, offerNumber: 'A0000001', status: 'draft' })
    actor = { userId: user.id, label: 'repo-saver', ip: '203.0.113.7', requestId: 'req-42' }
  })
  after(() => database?.close())

  const entry = (id: string) => ({ action: 'offer.section_saved', businessId: null, objectType: 'offer', objectId: id, details: { section: 'worker' } })
  const versionsKept = async () => database.db.selectFrom('offer_version').selectAll().where('offer_id', '=', offerId).orderBy('version').execute()
  const entries = async () => database.db.selectFrom('audit_event').selectAll().where('object_id', '=', offerId).execute()

  test('a save moves the version on, updates the queue’s columns, keeps the version and writes the entry', async () => {
    const before = (await findOffer(database.db, offerId))!
    const values = { familyName: 'Tremblay', givenNames: 'Ana', passportNumber: 'ab-12 34c' }
    const result = await saveSection(database.db, offerId, 'worker', values, before.version, now, { actor, entry: entry(offerId) })
    assert.deepEqual(result, { kind: 'saved', version: before.version + 1 })
    const after = (await findOffer(database.db, offerId))!
    assert.equal(after.version, before.version + 1)
    assert.deepEqual(after.answers.worker, values)
    assert.equal(after.worker_name, 'Tremblay, Ana')
    assert.equal(after.passport_key, 'AB1234C')
    assert.deepEqual(
      (await versionsKept()).map((v) => ({ version: v.version, section: v.section, values: v.saved_values, by: v.saved_by, at: v.saved_at.toISOString() })),
      [{ version: before.version + 1, section: 'worker', values, by: actor.userId, at: now.toISOString() }],
    )
    const [audited, ...more] = await entries()
    assert.equal(more.length, 0)
    assert.deepEqual(
      { at: audited!.occurred_at.toISOString(), by: audited!.actor_user_id, label: audited!.actor_label, action: audited!.action, type: audited!.object_type, ip: audited!.ip, request: audited!.request_id, details: audited!.details },
      { at: now.toISOString(), by: actor.userId, label: 'repo-saver', action: 'offer.section_saved', type: 'offer', ip: '203.0.113.7', request: 'req-42', details: { section: 'worker' } },
    )
  })

  test('each queue column follows its own section: the job’s title, the worker’s name and passport; other sections leave them', async () => {
    const id = await makeOffer(database.db, { businessId, userId: actor.userId!, offerNumber: 'A0000002', status: 'draft' })
    const save = async (section: 'job' | 'wage' | 'worker', values: Record<string, string>) => {
      const current = (await findOffer(database.db, id))!
      const result = await saveSection(database.db, id, section, values, current.version, now, { actor, entry: { ...entry(id), details: { section } } })
      assert.equal(result.kind, 'saved')
      const { worker_name, job_title, passport_key } = (await findOffer(database.db, id))!
      return { worker_name, job_title, passport_key }
    }
    // The fixture's job section says "Software engineer": a worker's save leaves it.
    assert.deepEqual(await save('worker', { familyName: 'Tremblay', givenNames: 'Ana', passportNumber: 'ab-12 34c' }), { worker_name: 'Tremblay, Ana', job_title: 'Software engineer', passport_key: 'AB1234C' })
    assert.deepEqual(await save('job', { jobTitle: 'Chef de cuisine', nocCode: '62200' }), { worker_name: 'Tremblay, Ana', job_title: 'Chef de cuisine', passport_key: 'AB1234C' })
    assert.deepEqual(await save('wage', { wage: '32.50' }), { worker_name: 'Tremblay, Ana', job_title: 'Chef de cuisine', passport_key: 'AB1234C' })
    // A section is saved whole: what it no longer says, its columns no longer say.
    assert.deepEqual(await save('worker', { givenNames: 'Ana' }), { worker_name: 'Ana', job_title: 'Chef de cuisine', passport_key: '' })
    assert.deepEqual(await save('job', { nocCode: '62200' }), { worker_name: 'Ana', job_title: '', passport_key: '' })
  })

  test('saves of one section (one statement, compiled once) each write their own values, actor and entry', async () => {
    const id = await makeOffer(database.db, { businessId, userId: actor.userId!, offerNumber: 'A0000003', status: 'draft' })
    const other = { userId: null, label: 'system', ip: null, requestId: 'req-43' }
    for (const [by, familyName] of [[actor, 'Roy'], [other, 'Côté']] as const) {
      const current = (await findOffer(database.db, id))!
      const result = await saveSection(database.db, id, 'worker', { familyName }, current.version, now, { actor: by, entry: { ...entry(id), details: { section: 'worker', by: by.label } } })
      assert.equal(result.kind, 'saved')
    }
    const kept = await database.db.selectFrom('offer_version').select(['saved_by', 'saved_values']).where('offer_id', '=', id).orderBy('version').execute()
    assert.deepEqual(kept, [{ saved_by: actor.userId, saved_values: { familyName: 'Roy' } }, { saved_by: null, saved_values: { familyName: 'Côté' } }])
    const audited = await database.db.selectFrom('audit_event').select(['actor_user_id', 'actor_label', 'ip', 'request_id', 'details']).where('object_id', '=', id).orderBy('id').execute()
    assert.deepEqual(audited, [
      { actor_user_id: actor.userId, actor_label: 'repo-saver', ip: '203.0.113.7', request_id: 'req-42', details: { section: 'worker', by: 'repo-saver' } },
      { actor_user_id: null, actor_label: 'system', ip: null, request_id: 'req-43', details: { section: 'worker', by: 'system' } },
    ])
    assert.equal((await findOffer(database.db, id))!.worker_name, 'Côté')
  })

  test('a save with a version the page no longer holds changes nothing and writes nothing', async () => {
    const current = (await findOffer(database.db, offerId))!
    const result = await saveSection(database.db, offerId, 'worker', { familyName: 'Other' }, current.version - 1, now, { actor, entry: entry(offerId) })
    assert.equal(result.kind, 'conflict')
    assert.deepEqual(await findOffer(database.db, offerId), current)
    assert.equal((await versionsKept()).length, 1)
    assert.equal((await entries()).length, 1)
  })

  test('an offer that is no longer a draft is read-only: nothing changes, nothing is written', async () => {
    await database.db.updateTable('offer').set({ status: 'pending' }).where('id', '=', offerId).execute()
    const current = (await findOffer(database.db, offerId))!
    const result = await saveSection(database.db, offerId, 'worker', { familyName: 'Late' }, current.version, now, { actor, entry: entry(offerId) })
    assert.deepEqual(result, { kind: 'readOnly' })
    assert.deepEqual(await findOffer(database.db, offerId), current)
    assert.equal((await versionsKept()).length, 1)
    assert.equal((await entries()).length, 1)
  })
})

/**
 * The queue names each row's creator from usernames the process keeps (usernamesOf), not by
 * joining the users' table; that is right only because a username never changes, which the
 * database enforces.
 */
describe('the queue’s creators (usernames kept by the process, never changed)', () => {
  let database: DatabaseHandle
  after(() => database?.close())

  test('each row is named by its own creator, the first time and again; ids partly known are all answered', async () => {
    database = await freshDatabase()
    const ana = await createUser(database.db, { username: 'queue-ana' })
    const ben = await createUser(database.db, { username: 'Queue.Ben' })
    const carl = await createUser(database.db, { username: 'queue-carl' })
    const businessId = await makeBusiness(database.db, { eight: '87650001', legalName: 'Creators Inc.' })
    const byAna = await makeOffer(database.db, { businessId, userId: ana.id, offerNumber: 'A0000011', submittedAt: new Date('2026-01-10T15:00:00Z') })
    const byBen = await makeOffer(database.db, { businessId, userId: ben.id, offerNumber: 'A0000012', submittedAt: new Date('2026-01-11T15:00:00Z') })
    const query = { businessId, scopeBranchId: null, sort: 'changed', limit: 10 } as const
    const expected = [
      { id: byBen, created_by: 'Queue.Ben' },
      { id: byAna, created_by: 'queue-ana' },
    ]
    for (let i = 0; i < 2; i++) assert.deepEqual((await queuePage(database.db, query)).map((r) => ({ id: r.id, created_by: r.created_by })), expected)
    const names = await usernamesOf(database.db, [carl.id, ana.id, carl.id])
    assert.deepEqual([names.get(carl.id), names.get(ana.id)], ['queue-carl', 'queue-ana'])
  })

  test('the database refuses to change a username, and lets every other column change', async () => {
    const user = await createUser(database.db, { username: 'fixed-name' })
    await assert.rejects(database.db.updateTable('app_user').set({ username: 'other-name' }).where('id', '=', user.id).execute(), /a username never changes/)
    await database.db.updateTable('app_user').set({ username: 'fixed-name', given_name: 'Zoé' }).where('id', '=', user.id).execute()
    const after = await database.db.selectFrom('app_user').select(['username', 'given_name']).where('id', '=', user.id).executeTakeFirstOrThrow()
    assert.deepEqual(after, { username: 'fixed-name', given_name: 'Zoé' })
  })
})
