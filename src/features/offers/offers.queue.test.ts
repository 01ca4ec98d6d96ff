import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { makeBusiness, makeOffer, offerAnswers } from '../../../tests/helpers/console-fixtures.ts'
import { TestClient, text } from '../../../tests/helpers/http.ts'
import { businessWithPrimary } from '../../../tests/helpers/offers.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
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
