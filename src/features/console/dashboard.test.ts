import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { makeBusiness, makeOffer, offerAnswers } from '../../../tests/helpers/console-fixtures.ts'
import { TestClient, text } from '../../../tests/helpers/http.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser } from '../../../tests/helpers/users.ts'
import { parse } from 'node-html-parser'
import { columnChart, lineChart, niceMax } from './dashboard.charts.ts'
import { lastTwelveMonths } from './dashboard.service.ts'

describe('officers’ dashboard', () => {
  let t: TestApp
  let officer: TestClient
  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    t.clock.set('2026-11-23T15:00:00Z')
    const staff = await createUser(t.db, { username: 'officer.dash', role: 'officer' })
    const boss = await createUser(t.db, { username: 'employer.dash' })
    const b = await makeBusiness(t.db, { eight: '12345678', legalName: 'Dash Ltd' })
    const offers: Array<[string, string, string, 'pending' | 'matched' | 'withdrawn']> = [
      ['2026-11-02T15:00:00Z', 'T36', 'ON', 'pending'],
      ['2026-11-20T15:00:00Z', 'T36', 'QC', 'matched'],
      ['2026-10-05T15:00:00Z', 'C10', 'QC', 'pending'],
      ['2026-01-31T15:00:00Z', 'T36', 'BC', 'withdrawn'],
      // Outside the 12 months (November 2025) and a time zone edge: 1 December 04:00 UTC is still 30 November in Toronto.
      ['2025-11-15T15:00:00Z', 'C10', 'ON', 'pending'],
      ['2025-12-01T04:00:00Z', 'C10', 'ON', 'pending'],
    ]
    let i = 0
    for (const [at, code, province, status] of offers) {
      await makeOffer(t.db, { businessId: b, userId: boss.id, offerNumber: `A500000${i++}`, status, submittedAt: new Date(at), answers: offerAnswers({ exemptionCode: code, province }) })
    }
    // Enrolment requests decided after 2, 4 and 10 hours in November; one after 30 hours in March.
    for (const [submitted, hours] of [['2026-11-02T12:00:00Z', 2], ['2026-11-03T12:00:00Z', 4], ['2026-11-04T12:00:00Z', 10], ['2026-03-10T12:00:00Z', 30]] as const) {
      const s = new Date(submitted)
      await t.db
        .insertInto('enrolment_request')
        .values({ requester_user_id: boss.id, status: 'approved', submitted_at: s, decided_at: new Date(s.getTime() + hours * 3_600_000), created_at: s, updated_at: s })
        .execute()
    }
    await t.db.insertInto('enrolment_request').values({ requester_user_id: staff.id, status: 'submitted', business_number: '999999999', submitted_at: new Date('2026-11-22T12:00:00Z'), created_at: new Date(), updated_at: new Date() }).execute()
    officer = new TestClient(t.app)
    await signInAs(officer, staff.id)
  })
  after(() => t.close())

  it('counts months and scales axes', () => {
    assert.deepEqual(lastTwelveMonths('2026-11-23'), ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'])
    assert.deepEqual([niceMax(0), niceMax(3), niceMax(7), niceMax(13), niceMax(200)], [1, 5, 10, 20, 200])
  })

  it('draws each chart as an accessible SVG with its data table beside it', async () => {
    const page = await officer.get('/en/console/dashboard')
    assert.equal(page.status, 200)
    const svgs = page.dom.querySelectorAll('svg.chart')
    assert.equal(svgs.length, 4)
    for (const svg of svgs) {
      assert.equal(svg.getAttribute('role'), 'img')
      const id = svg.getAttribute('id')!
      assert.equal(svg.getAttribute('aria-labelledby'), `${id}-title`)
      assert.ok(text(svg.querySelector(`[id="${id}-title"]`)))
      assert.ok(text(svg.querySelector(`[id="${id}-desc"]`)))
      assert.ok(svg.parentNode?.parentNode?.querySelector('table'), 'a table beside the chart')
    }
    const rows = (caption: string) =>
      page.dom
        .querySelectorAll('table')
        .find((tb) => text(tb.querySelector('caption')) === caption)!
        .querySelectorAll('tbody tr')
        .map((tr) => tr.querySelectorAll('th, td').map((c) => text(c)))
    const perMonth = rows('Offers submitted per month')
    assert.equal(perMonth.length, 12)
    assert.deepEqual(perMonth[0], ['2025-12', '0'], 'the offer of 1 December 04:00 UTC belongs to November in Toronto')
    assert.deepEqual(perMonth[1], ['2026-01', '1'])
    assert.deepEqual(perMonth.at(-2), ['2026-10', '1'])
    assert.deepEqual(perMonth.at(-1), ['2026-11', '2'])
    assert.deepEqual(rows('Offers by LMIA exemption code (top 10)'), [['T36', '3'], ['C10', '1']])
    assert.deepEqual(rows('Offers by province or territory of work'), [['Quebec', '2'], ['British Columbia', '1'], ['Ontario', '1']])
    const median = rows('Median time from enrolment request to decision (hours)')
    assert.deepEqual(median.at(-1), ['2026-11', '4', '3'])
    assert.deepEqual(median[3], ['2026-03', '30', '1'])
    assert.match(text(page.dom.querySelector('#chart-median-desc')), /Over the 12 months: 7 h/)
    assert.match(text(page.dom.querySelector('.summary-list')), /Enrolment requests waiting for a decision ?1$/)
  })

  it('writes axis values in the page’s language, and keeps the last month’s label inside the line chart', () => {
    const fr = new Intl.NumberFormat('fr-CA')
    const words = { number: (v: number) => fr.format(v), tip: (label: string, value: string) => `${label}\u00a0: ${value}` }
    const months = lastTwelveMonths('2026-11-23')
    const column = parse(columnChart('c', 'T', 'D', months.map((m, i) => ({ label: m, value: i % 6 })), words).value)
    const axis = column.querySelectorAll('text[text-anchor="end"]').map((el) => text(el))
    assert.deepEqual(axis, ['0', '2,5', '5'])
    const line = parse(lineChart('l', 'T', 'D', months.map((m) => ({ label: m, value: 1 })), words).value)
    const labels = line.querySelectorAll('text[text-anchor="middle"]')
    assert.equal(text(labels.at(-1)), '2026-11')
    // "2026-11" at 11 px is about 42 px wide, centred on its x: it must end inside the 640-wide picture.
    assert.ok(Number(labels.at(-1)!.getAttribute('x')) + 21 <= 640, 'the last month’s label fits')
    assert.ok(Number(labels[0]!.getAttribute('x')) - 21 >= 44, 'the first month’s label clears the axis values')
    assert.deepEqual(line.querySelectorAll('text[text-anchor="end"]').map((el) => text(el)), ['0', '0,5', '1'])
  })

  it('in French too', async () => {
    const page = await officer.get('/fr/console/dashboard')
    assert.match(text(page.dom.querySelector('h1')), /Tableau de bord/)
    assert.ok(page.dom.querySelectorAll('table caption').some((c) => text(c) === 'Offres par province ou territoire de travail'))
  })
})
