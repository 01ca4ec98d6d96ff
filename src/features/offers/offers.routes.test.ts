import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { HTMLElement } from 'node-html-parser'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { TestClient, text, type PageResponse } from '../../../tests/helpers/http.ts'
import { businessWithPrimary, fillOffer, startOffer } from '../../../tests/helpers/offers.ts'
import { signIn } from '../../../tests/helpers/users.ts'

/** The summary row named `key` on a page: its value's text, as a person reads it (spaces kept as written). */
function rowValue(dom: HTMLElement, key: string): string | undefined {
  const row = dom.querySelectorAll('.summary-row').find((r) => text(r.querySelector('dt')) === key)
  return row?.querySelector('dd')?.textContent.trim()
}

/**
 * An offer's pages as the employer reads them: what an offer awaiting its fee says of its
 * submission, where a copy came from, a worker's plausible date of birth, and the language
 * switch of a section page, which saves what was typed first.
 */
describe('offer pages: submission date, copies, dates of birth, the language switch', () => {
  let t: TestApp
  let client: TestClient

  before(async () => {
    t = await testApp()
    t.clock.set('2026-11-23T15:00:00Z')
    await businessWithPrimary(t, 'bistro.owner', '123456782', 'Le Bistro')
    client = new TestClient(t.app)
    await signIn(client, 'bistro.owner')
  })
  after(() => t.close())

  const local = (url: string | undefined) => {
    assert.ok(url, 'a redirect')
    return url.startsWith(t.config.publicBaseUrl) ? url.slice(t.config.publicBaseUrl.length) : url
  }

  /** Review → Submit: the offer awaits its fee; returns the test gateway's card page. */
  async function submit(id: string, lang = 'en'): Promise<string> {
    const review = await client.get(`/${lang}/offers/${id}/review`)
    assert.equal(review.status, 200)
    const res = await client.post(`/${lang}/offers/${id}/submit`, { version: review.dom.querySelector('input[name="version"]')!.getAttribute('value')! })
    return local(res.location)
  }

  async function pay(checkoutPath: string): Promise<void> {
    await client.get(checkoutPath)
    const res = await client.post(checkoutPath, { cardNumber: '4242424242424242', expiry: '12/29', securityCode: '123', cardholderName: 'Alex Tremblay', action: 'pay' })
    let page: PageResponse = await client.get(local(res.location))
    while (page.status === 303) page = await client.get(local(page.location))
  }

  async function submittedOffer(): Promise<{ id: string; number: string }> {
    const id = await startOffer(client)
    await fillOffer(client, id)
    await pay(await submit(id))
    const row = await t.db.selectFrom('offer').select(['status', 'offer_number']).where('id', '=', id).executeTakeFirstOrThrow()
    assert.equal(row.status, 'pending')
    return { id, number: row.offer_number! }
  }

  it('an offer awaiting its fee says it is not submitted yet and what submits it, never an empty date; the fee pages’ French colons have their space', async () => {
    const id = await startOffer(client)
    await fillOffer(client, id)
    const checkout = await submit(id, 'fr')
    const en = await client.get(`/en/offers/${id}`)
    assert.equal(en.status, 200)
    assert.equal(rowValue(en.dom, 'Submitted on'), 'Not yet: the offer is submitted, and gets its number, once the fee is paid')
    const fr = await client.get(`/fr/offers/${id}`)
    assert.equal(rowValue(fr.dom, 'Soumise le'), 'Pas encore\u00a0: l’offre est soumise, et reçoit son numéro, dès que les frais sont payés')
    // The test gateway's card page in French: « Montant à payer : », a non-breaking space before the colon.
    const card = await client.get(checkout)
    assert.equal(card.status, 200)
    assert.match(card.dom.querySelector('main .lead')!.textContent, /^Montant à payer\u00a0: 230,00\s\$$/)
    // Once paid, the date it was submitted.
    await pay(checkout)
    assert.match(rowValue((await client.get(`/en/offers/${id}`)).dom, 'Submitted on')!, /^November 23, 2026/)
  })

  it('a copy says which offer it was copied from, with a link, on its pages in both languages, and still names it once the source is gone', async () => {
    const source = await submittedOffer()
    const copied = await client.post(`/en/offers/${source.id}/copy`, {})
    const copyId = /offers\/([0-9a-f-]{36})\/exemption$/.exec(copied.location!)![1]!

    const section = await client.get(`/en/offers/${copyId}/exemption`)
    const note = section.dom.querySelector('main .copied-from')
    assert.equal(text(note), `This draft is a copy of offer ${source.number}.`)
    assert.equal(note!.querySelector('a')!.getAttribute('href'), `/en/offers/${source.id}`)
    const fr = await client.get(`/fr/offers/${copyId}/worker`)
    assert.equal(text(fr.dom.querySelector('main .copied-from')), `Cette ébauche est une copie de l’offre ${source.number}.`)
    assert.equal(fr.dom.querySelector('main .copied-from a')!.getAttribute('href'), `/fr/offers/${source.id}`)

    // Saved, reviewed, submitted and paid: the copy's own page still says so.
    await fillOffer(client, copyId)
    assert.equal(text((await client.get(`/en/offers/${copyId}/review`)).dom.querySelector('main .copied-from')), `This draft is a copy of offer ${source.number}.`)
    await pay(await submit(copyId))
    const page = await client.get(`/en/offers/${copyId}`)
    assert.equal(text(page.dom.querySelector('main .copied-from')), `This offer is a copy of offer ${source.number}.`)

    // A copy of a draft names the draft by the day it was started.
    const draft = await startOffer(client)
    const ofDraft = await client.post(`/en/offers/${draft}/copy`, {})
    const ofDraftPage = await client.get(local(ofDraft.location))
    assert.equal(text(ofDraftPage.dom.querySelector('main .copied-from')), 'This draft is a copy of the draft started on November 23, 2026.')
    assert.equal(ofDraftPage.dom.querySelector('main .copied-from a')!.getAttribute('href'), `/en/offers/${draft}`)

    // The source purged (as retention does): the link goes, the number stays.
    await t.db.deleteFrom('offer').where('id', '=', source.id).execute()
    const after = await client.get(`/en/offers/${copyId}`)
    assert.equal(text(after.dom.querySelector('main .copied-from')), `This offer is a copy of offer ${source.number}.`)
    assert.equal(after.dom.querySelector('main .copied-from a'), null)

    // An offer that is no copy says nothing of the kind.
    assert.equal((await client.get(`/en/offers/${draft}/exemption`)).dom.querySelector('.copied-from'), null)
  })

  it('refuses a worker too young to work or older than 120, in both languages, and still shows a draft that holds one', async () => {
    const id = await startOffer(client)
    const path = `/en/offers/${id}/worker`
    const version = async (p: string) => (await client.get(p)).dom.querySelector('input[name="version"]')!.getAttribute('value')!
    const posted = await client.post(path, { version: await version(path), familyName: 'Tremblay', givenNames: 'Léa', dateOfBirth: '2024-03-01', nav: 'next' })
    // Saved as typed, then shown with its problem.
    assert.equal(posted.location, `${path}?check=1`)
    const shown = await client.follow(posted)
    assert.equal(shown.status, 400)
    assert.equal(text(shown.dom.querySelector('#date-of-birth-error')), 'Error: The foreign national must be at least 14 years old today: check the date of birth')
    assert.equal(shown.dom.querySelector('#date-of-birth')!.getAttribute('value'), '2024-03-01')
    const fr = await client.get(`/fr/offers/${id}/worker?check=1`)
    assert.match(fr.dom.querySelector('#date-of-birth-error')!.textContent, /Le ressortissant étranger doit avoir au moins 14\u00a0ans aujourd’hui\u00a0: vérifiez la date de naissance/)
    await client.post(path, { version: await version(path), familyName: 'Tremblay', givenNames: 'Léa', dateOfBirth: '1899-01-01', nav: 'next' })
    assert.match(text((await client.get(`${path}?check=1`)).dom.querySelector('#date-of-birth-error')), /older than 120: check the year/)
    // The draft stays readable as stored, and a plausible date clears the problem.
    const plain = await client.get(path)
    assert.equal(plain.status, 200)
    assert.equal(plain.dom.querySelector('#date-of-birth')!.getAttribute('value'), '1899-01-01')
    const fixed = await client.post(path, { version: await version(path), familyName: 'Tremblay', givenNames: 'Léa', dateOfBirth: '2012-11-23', nav: 'next' })
    assert.equal((await client.follow(fixed)).dom.querySelector('#date-of-birth-error'), null)
  })

  it('the language switch of a section page saves what was typed, then shows the same section in the other language', async () => {
    const id = await startOffer(client)
    const path = `/en/offers/${id}/job`
    const page = await client.get(path)
    // No plain link in the header, which would leave what was typed behind: a button of the section's form.
    assert.equal(page.dom.querySelector('.lang-toggle a'), null)
    const form = page.dom.querySelector('main form[method="post"]')!
    const toggle = page.dom.querySelector('.lang-toggle button[value="language"]')!
    assert.equal(toggle.getAttribute('form'), form.getAttribute('id'))
    assert.equal(toggle.getAttribute('name'), 'nav')
    assert.equal(text(toggle), 'Français')
    assert.equal(toggle.getAttribute('lang'), 'fr')
    // Enter in a field presses the form's first submit button in the document: "Next", never the switch.
    const first = page.dom.querySelectorAll(`button[form="${form.getAttribute('id')}"], main form button`)[0]!
    assert.deepEqual([first.getAttribute('name'), first.getAttribute('value')], ['nav', 'next'])

    const version = page.dom.querySelector('input[name="version"]')!.getAttribute('value')!
    const switched = await client.post(path, { version, jobTitle: 'Chef pâtissier', mainDuties: 'Half-typed duties', nav: 'language' })
    assert.equal(switched.status, 303)
    assert.equal(switched.location, `/fr/offers/${id}/job`)
    const fr = await client.follow(switched)
    assert.equal(fr.status, 200)
    assert.equal(fr.dom.querySelector('#job-title')!.getAttribute('value'), 'Chef pâtissier')
    assert.equal(text(fr.dom.querySelector('#main-duties')), 'Half-typed duties')
    assert.equal(text(fr.dom.querySelector('.lang-toggle button[value="language"]')), 'English')
    const saved = await t.db.selectFrom('offer').select('answers').where('id', '=', id).executeTakeFirstOrThrow()
    assert.equal(saved.answers.job!.jobTitle, 'Chef pâtissier')

    // A second tab's save in between: the switch shows the conflict with what was typed, in the same language, never loses it.
    const stale = await client.post(`/fr/offers/${id}/job`, { version, jobTitle: 'Typed in the old tab', nav: 'language' })
    assert.equal(stale.status, 409)
    assert.equal(stale.dom.querySelector('#job-title')!.getAttribute('value'), 'Typed in the old tab')

    // Pages without a form to save keep the plain link.
    assert.equal((await client.get(`/en/offers/${id}/validate`)).dom.querySelector('.lang-toggle a')!.getAttribute('href'), `/fr/offers/${id}/validate`)
  })
})
