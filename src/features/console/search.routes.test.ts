import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { CompiledQuery, sql } from 'kysely'
import type { HTMLElement } from 'node-html-parser'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { businessNumber, makeBusiness, makeOffer, offerAnswers } from '../../../tests/helpers/console-fixtures.ts'
import { errorSummaryLinks, TestClient, text } from '../../../tests/helpers/http.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser } from '../../../tests/helpers/users.ts'
import { offerHitKey, searchEmployers, searchOffers } from './search.repository.ts'
import { statementsSentBy } from '../../../tests/helpers/sent-statements.ts'

/** Two letters (aa, ab, …): names without digits sort as written. */
const suffix = (i: number) => String.fromCharCode(97 + Math.floor(i / 26)) + String.fromCharCode(97 + (i % 26))

describe('console search', () => {
  let t: TestApp
  let officer: TestClient
  let nord: string
  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    const staff = await createUser(t.db, { username: 'officer.search', role: 'officer' })
    const boss = await createUser(t.db, { username: 'employer.search' })
    nord = await makeBusiness(t.db, { eight: '12345678', legalName: 'Érablière du Nord Ltée', employerNumber: 'E1000001' })
    await makeBusiness(t.db, { eight: '22345678', legalName: 'Erable Sud Inc.', employerNumber: 'E1000002' })
    await makeBusiness(t.db, { eight: '32345678', legalName: 'Maple Leaf Foods', employerNumber: 'E1000003' })
    await makeOffer(t.db, { businessId: nord, userId: boss.id, offerNumber: 'A2000001', answers: offerAnswers({ familyName: 'Tremblay', givenNames: 'Zoé', passport: 'XY-123456' }) })
    // 30 Garcías, for paging; and one draft that must never be found.
    for (let i = 0; i < 30; i++) {
      await makeOffer(t.db, { businessId: nord, userId: boss.id, offerNumber: `A21${String(i).padStart(5, '0')}`, answers: offerAnswers({ familyName: 'García', givenNames: `José ${suffix(i)}`, passport: `G${String(i).padStart(8, '0')}` }) })
    }
    await makeOffer(t.db, { businessId: nord, userId: boss.id, offerNumber: 'x', status: 'draft', answers: offerAnswers({ familyName: 'Tremblay', givenNames: 'Brouillon' }) })
    officer = new TestClient(t.app)
    await signInAs(officer, staff.id)
  })
  after(() => t.close())

  const cells = (dom: HTMLElement, col: number) => dom.querySelectorAll('tbody tr').map((tr) => text(tr.querySelectorAll('td')[col]))

  it('finds employers by business number, employer number and the start of the legal name (accents and case ignored)', async () => {
    let res = await officer.get(`/en/console/search?kind=employers&q=${encodeURIComponent(businessNumber('12345678').replace(/(\d{3})(?=\d)/g, '$1 '))}`)
    assert.deepEqual(cells(res.dom, 0), ['Érablière du Nord Ltée'])
    res = await officer.get('/en/console/search?kind=employers&q=e1000003')
    assert.deepEqual(cells(res.dom, 0), ['Maple Leaf Foods'])
    res = await officer.get('/fr/console/search?kind=employers&q=ERABL')
    assert.deepEqual(cells(res.dom, 0), ['Erable Sud Inc.', 'Érablière du Nord Ltée'])
    res = await officer.get('/en/console/search?kind=employers&q=nothing+like+this')
    assert.match(text(res.dom.querySelector('main')), /Nothing matches “nothing like this”/)
  })

  it('finds offers by number, passport number (punctuation ignored) and name; never drafts', async () => {
    let res = await officer.get('/en/console/search?kind=offers&q=a-200+0001')
    assert.deepEqual(cells(res.dom, 1), ['Tremblay, Zoé'])
    res = await officer.get('/en/console/search?kind=offers&q=xy123456')
    assert.deepEqual(cells(res.dom, 0), ['A2000001'])
    res = await officer.get('/en/console/search?kind=offers&q=tremblay')
    assert.deepEqual(cells(res.dom, 1), ['Tremblay, Zoé'], 'the draft is not listed')
    res = await officer.get('/en/console/search?kind=offers&q=garcia,+jose+ah')
    assert.deepEqual(cells(res.dom, 0), ['A2100007'])
  })

  it('finds names by their plain spelling whatever their letters: Vietnamese, Polish, Turkish, Icelandic', async () => {
    const boss = await createUser(t.db, { username: 'employer.fold' })
    const business = await makeBusiness(t.db, { eight: '52345678', legalName: 'Đặc Sản Việt Ltée', employerNumber: 'E1000005' })
    const names = [
      ['A2200001', 'Nguyễn', 'Thị Ánh'],
      ['A2200002', 'Wałęsa', 'Łucja'],
      ['A2200003', 'Işık', 'Şükrü'],
      ['A2200004', 'Þórðarson', 'Ægir'],
    ] as const
    for (const [offerNumber, familyName, givenNames] of names) await makeOffer(t.db, { businessId: business, userId: boss.id, offerNumber, answers: offerAnswers({ familyName, givenNames, passport: `P${offerNumber.slice(1)}` }) })
    for (const [q, found] of [
      ['nguyen', 'Nguyễn, Thị Ánh'],
      ['NGUYEN THI A', 'Nguyễn, Thị Ánh'],
      ['Nguyễn', 'Nguyễn, Thị Ánh'],
      ['walesa, lucja', 'Wałęsa, Łucja'],
      ['isik sukru', 'Işık, Şükrü'],
      ['thordarson aegir', 'Þórðarson, Ægir'],
    ]) {
      const res = await officer.get(`/en/console/search?kind=offers&q=${encodeURIComponent(q!)}`)
      assert.deepEqual(cells(res.dom, 1), [found], q)
    }
    const res = await officer.get(`/fr/console/search?kind=employers&q=${encodeURIComponent('dac san viet')}`)
    assert.deepEqual(cells(res.dom, 0), ['Đặc Sản Việt Ltée'])
  })

  it('pages with a keyset cursor: every García once, in order, then a way back to the first page', async () => {
    const seen: string[] = []
    let url: string | undefined = '/en/console/search?kind=offers&q=Garc%C3%ADa'
    let pages = 0
    while (url) {
      const res = await officer.get(url)
      assert.equal(res.status, 200)
      seen.push(...cells(res.dom, 1))
      const next = res.dom.querySelectorAll('.pagination a').find((a) => text(a) === 'Next results')
      if (pages > 0) assert.ok(res.dom.querySelectorAll('.pagination a').some((a) => text(a) === 'First results'))
      url = next?.getAttribute('href')?.replace(/&amp;/g, '&')
      pages++
    }
    assert.equal(pages, 2)
    assert.deepEqual(seen, Array.from({ length: 30 }, (_, i) => `García, José ${suffix(i)}`))
  })

  it('asks for something to search, and ignores a forged cursor', async () => {
    let res = await officer.get('/en/console/search?kind=offers&q=')
    assert.equal(res.status, 400)
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => [l.text, l.targetExists]), [['Enter what to search for', true]])
    res = await officer.get('/en/console/search?kind=offers&q=G&after=%27%3B--')
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['Enter at least 2 letters or digits'])
    res = await officer.get('/en/console/search?kind=offers&q=garcia&after=bm90IGpzb24')
    assert.equal(res.status, 200)
    assert.equal(res.dom.querySelectorAll('tbody tr').length, 25)
  })

  it('uses the stored keys’ indexes: the plans of the repository’s own statements, with the planner told to avoid sequential scans', async () => {
    const searches: Array<[string, () => Promise<unknown>]> = [
      ['offers by name', () => searchOffers(t.db, { kind: 'name', prefix: 'garcia' }, undefined, 5)],
      ['offers by name, next page', () => searchOffers(t.db, { kind: 'name', prefix: 'garcia' }, { key: 'garcia aa', id: '00000000-0000-4000-8000-000000000000' }, 5)],
      ['offers by passport', () => searchOffers(t.db, { kind: 'passport', value: 'G00000001' }, undefined, 5)],
      ['businesses by name', () => searchEmployers(t.db, { kind: 'name', prefix: 'erabl' }, undefined, 5)],
    ]
    for (const [label, run] of searches) {
      const [statement] = await statementsSentBy(run)
      assert.ok(statement, label)
      const plan = await t.db.connection().execute(async (conn) => {
        await sql`set enable_seqscan = off`.execute(conn)
        try {
          const rows = (await conn.executeQuery(CompiledQuery.raw(`explain ${statement.text}`, statement.values))).rows
          return rows.map((r) => Object.values(r as Record<string, string>)[0]).join('\n')
        } finally {
          await sql`reset enable_seqscan`.execute(conn)
        }
      })
      assert.match(plan, /console_(offer_worker_key|offer_passport|business_name_fold)_idx/, `${label}:\n${plan}`)
      // The prefix is an index range: no filter checks every row it finds again.
      if (label.includes('name')) assert.doesNotMatch(plan, /Filter: .*(console_fold|_key|_fold)|~~/, `${label}:\n${plan}`)
      // Nothing is computed per row to order the page: the keys are stored columns.
      assert.doesNotMatch(plan, /console_fold/, `${label}:\n${plan}`)
    }
    // And the repository's own query returns what the plan promises, each hit's cursor key the one its index holds.
    const byName = { kind: 'name' as const, prefix: 'garcia' }
    const hits = await searchOffers(t.db, byName, undefined, 5)
    assert.equal(hits.length, 6)
    const stored = await t.db.selectFrom('offer').select(['id', 'worker_key']).where('id', 'in', hits.map((h) => h.id)).execute()
    for (const hit of hits) assert.equal(offerHitKey(byName, hit), stored.find((s) => s.id === hit.id)?.worker_key)
  })
})
