import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { makeBusiness, makeOffer, offerAnswers } from '../../../tests/helpers/console-fixtures.ts'
import type { HTMLElement } from 'node-html-parser'
import { TestClient, text } from '../../../tests/helpers/http.ts'
import { businessWithPrimary } from '../../../tests/helpers/offers.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { NAMES_KEPT_MS, namesOf } from '../auth/users.repository.ts'
import { queueCursor, queuePage, type QueueQuery } from './offers.repository.ts'

/**
 * The employer's queue searches names as the officers' search does (stored `worker_key`,
 * console_fold): case, accents and punctuation ignored, drafts included; and its A-to-Z
 * order is that key's, so an accented name sorts with its letter.
 */
describe('the offer queue’s name search and order', () => {
  let t: TestApp
  let client: TestClient
  let businessId: string
  const names = ['Lefèvre, Marie', 'Lefebvre, Paul', 'Émond, Zoé', 'Nguyễn, Văn An', 'Zhang, Wei', 'Adams, Ann', 'Łukasiewicz, Jan']

  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    const owner = await businessWithPrimary(t, 'queue.fold', '123456782', 'Fold Inc.')
    businessId = owner.businessId
    for (const [i, name] of names.entries()) {
      const [familyName, givenNames] = name.split(', ')
      // Drafts (which the officers' search never lists) and submitted offers alike.
      await makeOffer(t.db, { businessId, userId: owner.userId, offerNumber: `A40000${String(i).padStart(2, '0')}`, status: i % 2 === 0 ? 'draft' : 'pending', answers: offerAnswers({ familyName, givenNames }) })
    }
    // Another business's Lefèvre is not this business's.
    const other = await makeBusiness(t.db, { eight: '62345678', legalName: 'Other Ltd.' })
    await makeOffer(t.db, { businessId: other, userId: owner.userId, offerNumber: 'A4100000', status: 'draft', answers: offerAnswers({ familyName: 'Lefèvre', givenNames: 'Autre' }) })
    client = new TestClient(t.app)
    await signInAs(client, owner.userId)
  })
  after(() => t.close())

  const found = async (lang: 'en' | 'fr', q: string) =>
    (await client.get(`/${lang}/offers?q=${encodeURIComponent(q)}&sort=worker`)).dom.querySelectorAll('tbody tr').map((row) => names.find((n) => text(row).includes(n)) ?? text(row))

  it('finds a name typed without its accents, in any case, drafts included', async () => {
    assert.deepEqual(await found('en', 'lefevre'), ['Lefèvre, Marie'], 'a draft')
    assert.deepEqual(await found('fr', 'LEFÈVRE'), ['Lefèvre, Marie'])
    assert.deepEqual(await found('en', 'Lefevre, M'), ['Lefèvre, Marie'])
    assert.deepEqual(await found('en', 'lefe'), ['Lefebvre, Paul', 'Lefèvre, Marie'])
    assert.deepEqual(await found('en', 'nguyen van'), ['Nguyễn, Văn An'])
    assert.deepEqual(await found('fr', 'emond'), ['Émond, Zoé'])
    assert.deepEqual(await found('en', 'lukasiewicz'), ['Łukasiewicz, Jan'])
    assert.deepEqual(await found('en', 'lefevre, x'), [])
    assert.deepEqual(await found('en', '%'), [], 'only punctuation: nothing')
  })

  it('sorts A to Z by the same key, and pages through it with a keyset cursor', async () => {
    const sorted = ['Adams, Ann', 'Émond, Zoé', 'Lefebvre, Paul', 'Lefèvre, Marie', 'Łukasiewicz, Jan', 'Nguyễn, Văn An', 'Zhang, Wei']
    assert.deepEqual(await found('en', ''), sorted)
    const seen: string[] = []
    const query: QueueQuery = { businessId, scopeBranchId: null, sort: 'worker', limit: 3 }
    for (let after: QueueQuery['after'], pages = 0; pages < 5; pages++) {
      const rows = await queuePage(t.db, { ...query, after })
      seen.push(...rows.slice(0, 2).map((r) => r.worker_name))
      if (rows.length <= 2) break
      after = queueCursor(rows[1]!, 'worker')
    }
    assert.deepEqual(seen, sorted)
  })
})

/**
 * The queue says who created each offer (their name, which can change: read again after a
 * minute) and when; a draft without a foreign national yet has a link of its own words and
 * comes after every name A to Z, on the same index.
 */
describe('the offer queue: who created an offer and when, and drafts without a name', () => {
  let t: TestApp
  let client: TestClient
  let businessId: string
  let userId: string
  const started = (day: number) => new Date(`2026-03-${String(day).padStart(2, '0')}T15:00:00Z`)

  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    const owner = await businessWithPrimary(t, 'queue.creator', '123456782', 'Creator Inc.')
    ;({ businessId, userId } = owner)
    await t.db.updateTable('app_user').set({ given_name: 'Amélie', family_name: 'Tremblay' }).where('id', '=', userId).execute()
    await makeOffer(t.db, { businessId, userId, offerNumber: 'A5000001', answers: offerAnswers({ familyName: 'Brown', givenNames: 'Ann' }), submittedAt: started(1) })
    await makeOffer(t.db, { businessId, userId, offerNumber: 'A5000002', answers: offerAnswers({ familyName: 'Zhang', givenNames: 'Wei' }), submittedAt: started(2) })
    // Three drafts with no foreign national yet: one with a job title, two without.
    const { worker: _w, ...noWorker } = offerAnswers({ jobTitle: 'Sous-chef' })
    await makeOffer(t.db, { businessId, userId, offerNumber: '-', status: 'draft', answers: noWorker, submittedAt: started(3) })
    const { worker: _x, job: _j, ...nothing } = offerAnswers()
    await makeOffer(t.db, { businessId, userId, offerNumber: '-', status: 'draft', answers: nothing, submittedAt: started(4) })
    await makeOffer(t.db, { businessId, userId, offerNumber: '-', status: 'draft', answers: nothing, submittedAt: started(5) })
    client = new TestClient(t.app)
    await signInAs(client, userId)
  })
  after(() => t.close())

  const cells = (row: HTMLElement) => row.querySelectorAll('td').map((c) => text(c))

  it('shows the creator’s name and the day it was created, in both languages', async () => {
    const en = (await client.get('/en/offers?sort=oldest')).dom
    assert.deepEqual(en.querySelectorAll('thead th').map((th) => text(th)).slice(5, 7), ['Created by', 'Created on'])
    const brown = en.querySelectorAll('tbody tr').find((r) => text(r).includes('Brown, Ann'))!
    assert.equal(cells(brown)[5], 'Amélie Tremblay')
    assert.match(cells(brown)[6]!, /^Mar 1, 2026/)
    const fr = (await client.get('/fr/offers?sort=oldest')).dom
    assert.deepEqual(fr.querySelectorAll('thead th').map((th) => text(th)).slice(5, 7), ['Créée par', 'Créée le'])
    assert.match(cells(fr.querySelectorAll('tbody tr')[0]!)[6]!, /^1er mars 2026/)
  })

  it('a changed name shows once the minute the process keeps names for is over', async () => {
    // Later than what the page before kept it until: read now.
    const now = Date.now() + 10 * NAMES_KEPT_MS
    assert.equal((await namesOf(t.db, [userId], now)).get(userId), 'Amélie Tremblay')
    await t.db.updateTable('app_user').set({ family_name: 'Gagnon' }).where('id', '=', userId).execute()
    assert.equal((await namesOf(t.db, [userId], now + NAMES_KEPT_MS - 1)).get(userId), 'Amélie Tremblay', 'kept for a minute')
    assert.equal((await namesOf(t.db, [userId], now + NAMES_KEPT_MS)).get(userId), 'Amélie Gagnon', 'read again after it')
    await t.db.updateTable('app_user').set({ family_name: 'Tremblay' }).where('id', '=', userId).execute()
    await namesOf(t.db, [userId], now + 2 * NAMES_KEPT_MS)
  })

  it('each draft without a foreign national is linked with words of its own (its job title, when it started)', async () => {
    for (const [lang, draft, words] of [
      ['en', 'Draft', ['Draft Sous-chef, started Mar 3, 2026, 10:00 a.m., no foreign national named yet', 'Draft started Mar 4, 2026, 10:00 a.m., no foreign national named yet']],
      ['fr', 'Ébauche', ['Ébauche Sous-chef, commencée le 3 mars 2026, 10 h 00, aucun ressortissant étranger nommé', 'Ébauche commencée le 4 mars 2026, 10 h 00, aucun ressortissant étranger nommé']],
    ] as const) {
      const dom = (await client.get(`/${lang}/offers`)).dom
      const drafts = dom.querySelectorAll('tbody tr a').filter((a) => text(a).startsWith(draft))
      const names = drafts.map((a) => text(a))
      assert.equal(new Set(names).size, 3, `three drafts, three different link texts: ${JSON.stringify(names)}`)
      for (const w of words) assert.ok(names.includes(w), `${w} in ${JSON.stringify(names)}`)
    }
    const en = (await client.get('/en/offers')).dom
    assert.ok(en.querySelectorAll('tbody tr').some((r) => cells(r)[1] === 'Not named yet'))
  })

  it('A to Z, the drafts without a name come after every name, and a keyset page goes on among them', async () => {
    const names = async (path: string) => (await client.get(path)).dom.querySelectorAll('tbody tr').map((r) => cells(r)[1])
    assert.deepEqual(await names('/en/offers?sort=worker'), ['Brown, Ann', 'Zhang, Wei', 'Not named yet', 'Not named yet', 'Not named yet'])
    const seen: string[] = []
    const query: QueueQuery = { businessId, scopeBranchId: null, sort: 'worker', limit: 2 }
    for (let after: QueueQuery['after'], pages = 0; pages < 5; pages++) {
      const rows = await queuePage(t.db, { ...query, after })
      seen.push(...rows.map((r) => r.worker_name || r.job_title || r.created_at.toISOString().slice(0, 10)))
      if (rows.length < 2) break
      after = queueCursor(rows[1]!, 'worker')
    }
    assert.deepEqual(seen.slice(0, 2), ['Brown, Ann', 'Zhang, Wei'])
    assert.deepEqual(seen.slice(2).sort(), ['2026-03-04', '2026-03-05', 'Sous-chef'], `each unnamed draft once, after the names: ${JSON.stringify(seen)}`)
    // A name searched for never lists the unnamed.
    assert.deepEqual(await names('/en/offers?sort=worker&q=zh'), ['Zhang, Wei'])
  })
})
