import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { HTMLElement } from 'node-html-parser'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { TestClient, text } from '../../../tests/helpers/http.ts'
import { businessWithPrimary, fillOffer, startOffer, VALID_OFFER } from '../../../tests/helpers/offers.ts'
import { signIn } from '../../../tests/helpers/users.ts'

const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')
function rowValue(dom: HTMLElement, key: string): string | undefined {
  const row = dom.querySelectorAll('.summary-row').find((r) => text(r.querySelector('dt')) === key)
  return row ? spaces(text(row.querySelector('dd'))) : undefined
}

/** The offer form's fields through the pages: checks against the reference data, answers kept in one form. */
describe('the offer form’s fields: the NOC list, citizenship, canonical answers, in both languages', () => {
  let t: TestApp
  let client: TestClient

  before(async () => {
    t = await testApp()
    t.clock.set('2026-11-23T15:00:00Z')
    await businessWithPrimary(t, 'fields.owner', '123456782', 'Le Bistro')
    client = new TestClient(t.app)
    await signIn(client, 'fields.owner')
  })
  after(() => t.close())

  const answersOf = async (id: string) => (await t.db.selectFrom('offer').select('answers').where('id', '=', id).executeTakeFirstOrThrow()).answers
  async function post(id: string, lang: 'en' | 'fr', section: string, values: Record<string, string | string[]>) {
    const page = await client.get(`/${lang}/offers/${id}/${section}`)
    const version = page.dom.querySelector('input[name="version"]')!.getAttribute('value')!
    return client.post(`/${lang}/offers/${id}/${section}`, { version, ...values, nav: 'next' })
  }

  it('an occupation code not in NOC 2021 is refused on Next; a known one is reviewed with its title and TEER (FEER)', async () => {
    const id = await startOffer(client, 'fr')
    await fillOffer(client, id, 'fr')
    const refused = await post(id, 'fr', 'job', { ...VALID_OFFER.job, nocCode: '99999' })
    assert.equal(refused.location, `/fr/offers/${id}/job?check=1`)
    const page = await client.follow(refused)
    assert.equal(spaces(text(page.dom.querySelector('#noc-code-error'))), 'Erreur : Le code 99999 ne figure pas dans la liste de la CNP 2021 : entrez le code de la profession dont les fonctions correspondent à l’emploi')
    await post(id, 'fr', 'job', VALID_OFFER.job as Record<string, string>)
    assert.equal(rowValue((await client.get(`/fr/offers/${id}/review`)).dom, 'Code de la CNP 2021'), '62200 Chefs (FEER 2)')
    assert.equal(rowValue((await client.get(`/en/offers/${id}/review`)).dom, 'NOC 2021 code'), '62200 Chefs (TEER 2)')
  })

  it('keeps a postal code, the hours and a passport number in one form, and shows the hours as each language writes them', async () => {
    const id = await startOffer(client, 'fr')
    await fillOffer(client, id, 'fr')
    const saved = await post(id, 'fr', 'job', { ...VALID_OFFER.job, workProvince: 'QC', workPostalCode: 'h2x 1y4', hoursPerWeek: '37,5' })
    assert.equal(saved.location, `/fr/offers/${id}/requirements`)
    await post(id, 'fr', 'worker', { ...VALID_OFFER.worker, passportNumber: 'c1234567' })
    const answers = await answersOf(id)
    assert.equal(answers.job?.workPostalCode, 'H2X 1Y4')
    assert.equal(answers.job?.hoursPerWeek, '37.5')
    assert.equal(answers.worker?.passportNumber, 'C1234567')
    assert.equal((await client.get(`/fr/offers/${id}/job`)).dom.querySelector('input#hours-per-week')!.getAttribute('value'), '37,5')
    assert.equal((await client.get(`/en/offers/${id}/job`)).dom.querySelector('input#hours-per-week')!.getAttribute('value'), '37.5')
    assert.equal(rowValue((await client.get(`/en/offers/${id}/review`)).dom, 'Hours of work per week'), '37.5')
    assert.equal(rowValue((await client.get(`/fr/offers/${id}/review`)).dom, 'Heures de travail par semaine'), '37,5')
  })

  it('Canada is refused as a foreign national’s citizenship, with the reason, and is not offered', async () => {
    const id = await startOffer(client, 'en')
    await fillOffer(client, id, 'en')
    const refused = await post(id, 'en', 'worker', { ...VALID_OFFER.worker, citizenship: 'CA' })
    assert.equal(refused.location, `/en/offers/${id}/worker?check=1`)
    const page = await client.follow(refused)
    assert.match(text(page.dom.querySelector('#citizenship-error')), /A Canadian citizen does not need an offer of employment/)
    const offered = page.dom.querySelectorAll('select#citizenship option').map((o) => o.getAttribute('value'))
    assert.ok(!offered.includes('CA') && !offered.includes('AQ') && offered.includes('VN'))
  })
})
