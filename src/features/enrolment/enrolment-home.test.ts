import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { TestClient, text, type PageResponse } from '../../../tests/helpers/http.ts'
import { businessWithPrimary } from '../../../tests/helpers/offers.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { luhnCheckDigit } from '../reference/validators.ts'

const bn = (eight: string) => eight + luhnCheckDigit(eight)

async function enrol(client: TestClient, lang: 'en' | 'fr', businessNumber: string, legalName: string): Promise<PageResponse> {
  await client.get(`/${lang}/enrol`)
  await client.follow(await client.post(`/${lang}/enrol/start`, {}))
  await client.post(`/${lang}/enrol/business`, { operatesInCanada: 'yes', businessNumber, legalName, operatingName: legalName, then: 'next' })
  await client.get(`/${lang}/enrol/address`)
  await client.post(`/${lang}/enrol/address`, { street: '100 Wellington St', city: 'Ottawa', province: 'ON', postalCode: 'K1A 0A9', phone: '613 555 0123', then: 'next' })
  await client.get(`/${lang}/enrol/contact`)
  await client.post(`/${lang}/enrol/contact`, { givenName: 'Rita', middleName: '', familyName: 'Rep', preferredLanguage: lang, then: 'next' })
  await client.get(`/${lang}/enrol/review`)
  return client.post(`/${lang}/enrol/submit`, {})
}

describe('the home page of a person who already acts for a business and enrols another', () => {
  let t: TestApp
  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
  })
  after(() => t.close())

  it('links "Enrol another business", says the request was sent, shows it pending, then refused with the way to apply again', async () => {
    const { userId } = await businessWithPrimary(t, 'rep.enrols.another', '111111118', 'First Business Inc.')
    const client = new TestClient(t.app)
    await signInAs(client, userId)

    const before = await client.get('/en/home')
    const enrolLink = before.dom.querySelectorAll('main a').find((a) => text(a) === 'Enrol another business')
    assert.equal(enrolLink?.getAttribute('href'), '/en/enrol')
    assert.ok((await client.get('/fr/home')).dom.querySelectorAll('main a').some((a) => text(a) === 'Inscrire une autre entreprise'))
    assert.equal(before.dom.querySelector('main .notice'), null, 'nothing to say yet')

    // Part-way: the link continues the request.
    await client.get('/en/enrol')
    await client.post('/en/enrol/start', {})
    assert.ok((await client.get('/en/home')).dom.querySelectorAll('main a').some((a) => text(a) === 'Continue your request' && a.getAttribute('href') === '/en/enrol'))

    const sent = await enrol(client, 'en', bn('22222222'), 'Second Business Ltd.')
    assert.equal(sent.location, '/en/home?enrolment=submitted')
    const landed = await client.follow(sent)
    const notice = landed.dom.querySelector('main .notice')
    assert.match(text(notice?.querySelector('.notice-title')), /Your request was sent/)
    assert.match(text(notice), /Second Business Ltd\./)
    assert.match(text(landed.dom.querySelector('main')), /First Business Inc\./, 'the business it acts for is still there')
    assert.ok(!landed.dom.querySelectorAll('main a').some((a) => a.getAttribute('href') === '/en/enrol'), 'one request at a time: no link while it waits')

    // Later visits: still pending, in both languages.
    const later = await client.get('/en/home')
    assert.match(text(later.dom.querySelector('main .notice .notice-title')), /Your enrolment request is being reviewed/)
    assert.match(text((await client.get('/fr/home')).dom.querySelector('main .notice .notice-title')), /Votre demande d’inscription est en cours d’examen/)

    // Refused: the reason, and the link to apply again (or enrol another).
    await t.db.updateTable('enrolment_request').set({ status: 'refused', refusal_reason: 'numberMismatch' }).where('requester_user_id', '=', userId).where('status', '=', 'submitted').execute()
    const refused = await client.get('/en/home')
    assert.match(text(refused.dom.querySelector('main .notice-danger .notice-title')), /Your enrolment request was refused/)
    assert.ok(refused.dom.querySelectorAll('main a').some((a) => text(a) === 'Enrol another business' && a.getAttribute('href') === '/en/enrol'))
  })
})
