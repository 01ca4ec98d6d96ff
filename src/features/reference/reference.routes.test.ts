import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { errorSummaryLinks, TestClient, text } from '../../../tests/helpers/http.ts'
import { EXEMPTION_CODES } from './exemption-codes.ts'
import { importNocFile, SHIPPED_NOC_CSV } from './noc.service.ts'

const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')

describe('reference pages', () => {
  let t: TestApp
  before(async () => {
    t = await testApp({ config: { feeCents: 23000 } })
    await importNocFile(t.db, SHIPPED_NOC_CSV)
  })
  after(() => t.close())

  for (const [lang, title, open, specific] of [
    ['en', 'LMIA exemption codes', 'Open', 'Employer-specific'],
    ['fr', 'Codes de dispense de l’EIMT', 'Ouvert', 'Lié à un employeur'],
  ] as const) {
    it(`lists every exemption code by category, with whether it is open (${lang})`, async () => {
      const page = await new TestClient(t.app).get(`/${lang}/reference/exemption-codes`)
      assert.equal(page.status, 200)
      assert.equal(page.dom.querySelector('html')!.getAttribute('lang'), lang)
      assert.equal(text(page.dom.querySelector('h1')), title)
      const rows = page.dom.querySelectorAll('tbody tr')
      assert.equal(rows.length, EXEMPTION_CODES.length)
      const row = (code: string) => page.dom.querySelector(`#code-${code}`)!
      assert.equal(text(row('C41').querySelectorAll('td')[2]), open)
      assert.equal(text(row('T36').querySelectorAll('td')[2]), specific)
      assert.equal(text(row('T36').querySelectorAll('td')[1]), 'T23')
      assert.match(text(row('C11')), /88888/)
      // One heading and one table per category, each table named by its heading.
      for (const table of page.dom.querySelectorAll('table')) {
        assert.ok(page.dom.querySelector(`[id="${table.getAttribute('aria-labelledby')}"]`))
      }
      assert.equal(page.dom.querySelectorAll('main h2').length, page.dom.querySelectorAll('table').length)
    })
  }

  it('shows the eligibility questions without sign-in, with the codes grouped by category', async () => {
    const page = await new TestClient(t.app).get('/en/offers/eligibility')
    assert.equal(page.status, 200)
    assert.equal(text(page.dom.querySelector('h1')), 'Do you need to submit an offer of employment?')
    assert.equal(page.dom.querySelectorAll('input[name="openPermit"]').length, 3)
    const select = page.dom.querySelector('select#code')!
    assert.equal(select.querySelector('option[selected]')?.getAttribute('value'), 'unknown')
    const groups = select.querySelectorAll('optgroup')
    assert.equal(groups[0]!.getAttribute('label'), 'A25.2 Public policies')
    assert.equal(select.querySelectorAll('optgroup option').length, EXEMPTION_CODES.length)
    assert.ok(page.dom.querySelector('input[name="_csrf"]'))
    assert.ok(page.dom.querySelector('a[href="/en/reference/exemption-codes"]'))
  })

  for (const [lang, titlePrefix, message] of [
    ['en', 'Error: ', 'Select whether the worker holds or will apply for an open work permit'],
    ['fr', 'Erreur : ', 'Indiquez si la personne est titulaire d’un permis de travail ouvert ou en demandera un'],
  ] as const) {
    it(`refuses the form when no choice was made, with a summary linked to the field (${lang})`, async () => {
      const client = new TestClient(t.app)
      await client.get(`/${lang}/offers/eligibility`)
      const page = await client.post(`/${lang}/offers/eligibility`, { code: 'T36' })
      assert.equal(page.status, 400)
      assert.ok(text(page.dom.querySelector('title')).startsWith(titlePrefix))
      const links = errorSummaryLinks(page.dom)
      assert.deepEqual(links, [{ text: message, href: '#open-permit', targetExists: true }])
      assert.equal(text(page.dom.querySelector('#open-permit-error')).endsWith(message), true)
      // The answer given is kept.
      assert.equal(page.dom.querySelector('select#code option[selected]')?.getAttribute('value'), 'T36')
      assert.match(page.dom.querySelector('.form-group-error fieldset')!.getAttribute('aria-describedby')!, /open-permit-error/)
    })
  }

  it('refuses a code that does not exist, keeping the other answer', async () => {
    const client = new TestClient(t.app)
    await client.get('/fr/offers/eligibility')
    const page = await client.post('/fr/offers/eligibility', { openPermit: 'no', code: 'Z99' })
    assert.equal(page.status, 400)
    assert.deepEqual(errorSummaryLinks(page.dom).map((l) => [l.href, l.targetExists]), [['#code', true]])
    assert.ok(page.dom.querySelector('input[name="openPermit"][value="no"][checked]'))
  })

  it('refuses a post without the CSRF token', async () => {
    const page = await new TestClient(t.app).post('/en/offers/eligibility', { openPermit: 'yes', _csrf: 'forged' })
    assert.equal(page.status, 403)
  })

  it('tells the employer no offer and no fee are needed for an open work permit (en)', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/offers/eligibility')
    const posted = await client.post('/en/offers/eligibility', { openPermit: 'yes', code: 'unknown' })
    assert.equal(posted.status, 303)
    assert.equal(posted.location, '/en/offers/eligibility/result?openPermit=yes')
    const page = await client.follow(posted)
    assert.equal(page.status, 200)
    assert.equal(text(page.dom.querySelector('.notice-title')), 'You do not need to submit an offer of employment')
    assert.match(text(page.dom.querySelector('.notice')), /open work permit may work for any employer/)
    assert.equal(page.dom.querySelector('a[href="/en/offers/new"]'), null)
  })

  it('quotes a code’s note after a colon in lower case in French, as a sentence in English', async () => {
    for (const [lang, says] of [
      ['fr', /Pour le code C21 : les participants au volet Vacances-travail/],
      ['en', /For code C21: Working holiday participants/],
    ] as const) {
      const client = new TestClient(t.app)
      await client.get(`/${lang}/offers/eligibility`)
      const page = await client.follow(await client.post(`/${lang}/offers/eligibility`, { openPermit: 'no', code: 'C21' }))
      assert.match(nbsp(text(page.dom.querySelector('.notice'))), says)
    }
  })

  it('explains an open exemption code (fr)', async () => {
    const client = new TestClient(t.app)
    await client.get('/fr/offers/eligibility')
    const page = await client.follow(await client.post('/fr/offers/eligibility', { openPermit: 'unsure', code: 'c43' }))
    assert.equal(text(page.dom.querySelector('.notice-title')), 'Vous n’avez pas à soumettre d’offre d’emploi')
    assert.match(text(page.dom.querySelector('.notice')), /Le code de dispense C43 \(Permis de travail postdiplôme\)/)
    assert.match(text(page.dom.querySelector('.notice')), /ne payez pas les frais/)
  })

  for (const [lang, fee, start] of [
    ['en', '$230.00', 'Submit an offer of employment'],
    ['fr', '230,00 $', 'Soumettre une offre d’emploi'],
  ] as const) {
    it(`says an offer and the fee are needed for an employer-specific code, with the fee from configuration (${lang})`, async () => {
      const client = new TestClient(t.app)
      await client.get(`/${lang}/offers/eligibility`)
      const page = await client.follow(await client.post(`/${lang}/offers/eligibility`, { openPermit: 'no', code: 'T36' }))
      const body = nbsp(text(page.dom.querySelector('.notice')))
      assert.ok(body.includes(fee), body)
      assert.match(body, /T36/)
      // The offer starts with the code the check was about.
      const link = page.dom.querySelector(`a[href="/${lang}/offers/new?code=T36"]`)
      assert.equal(text(link), start)
      // "Check again" brings back the answers given.
      const again = page.dom.querySelectorAll('a').find((a) => a.getAttribute('href')?.startsWith(`/${lang}/offers/eligibility?`))!
      const form = await client.get(again.getAttribute('href')!)
      assert.ok(form.dom.querySelector('input[name="openPermit"][value="no"][checked]'))
      assert.equal(form.dom.querySelector('select#code option[selected]')?.getAttribute('value'), 'T36')
    })
  }

  for (const [lang, title, says, changeText] of [
    ['fr', 'Vos réponses ne concordent pas', /le code de dispense T36 \(Professionnels \(ACEUM\)\) donne un permis de travail lié à un seul employeur/, 'Modifier vos réponses'],
    ['en', 'Your answers do not agree', /exemption code T36 \(Professionals \(CUSMA\)\) gives a work permit for one employer only/, 'Change your answers'],
  ] as const) {
    it(`an open work permit with an employer-specific code: says they disagree and what each would mean, keeping both answers (${lang})`, async () => {
      const client = new TestClient(t.app)
      await client.get(`/${lang}/offers/eligibility`)
      const posted = await client.post(`/${lang}/offers/eligibility`, { openPermit: 'yes', code: 'T36' })
      assert.equal(posted.location, `/${lang}/offers/eligibility/result?openPermit=yes&code=T36`)
      const page = await client.follow(posted)
      assert.equal(text(page.dom.querySelector('main .notice-title')), title)
      const body = nbsp(text(page.dom.querySelector('main .notice')))
      assert.match(body, says)
      assert.ok(body.includes(lang === 'fr' ? '230,00 $' : '$230.00'), body)
      // Neither "no offer needed" nor "offer needed" alone: the employer is asked which holds.
      assert.equal(page.dom.querySelectorAll('main .notice-success').length, 0)
      assert.ok(page.dom.querySelector(`main a[href="/${lang}/offers/new?code=T36"]`))
      const change = page.dom.querySelectorAll('main a').find((a) => text(a) === changeText)!
      assert.equal(change.getAttribute('href'), `/${lang}/offers/eligibility?openPermit=yes&code=T36`)
      const form = await client.get(change.getAttribute('href')!)
      assert.ok(form.dom.querySelector('input[name="openPermit"][value="yes"][checked]'))
      assert.equal(form.dom.querySelector('select#code option[selected]')?.getAttribute('value'), 'T36')
    })
  }

  it('a permit for this business only with an open code: says they disagree, never "no offer needed" alone, and offers no draft with the open code', async () => {
    const page = await new TestClient(t.app).get('/fr/offers/eligibility/result?openPermit=no&code=R01')
    assert.equal(page.status, 200)
    assert.equal(text(page.dom.querySelector('main .notice-title')), 'Vos réponses ne concordent pas')
    const body = nbsp(text(page.dom.querySelector('main .notice')))
    assert.match(body, /pour votre entreprise seulement, mais le code de dispense R01 .* donne un permis de travail ouvert/)
    assert.match(body, /Si la personne présente sa demande sous le code R01, elle obtient un permis de travail ouvert : vous n’avez pas à soumettre d’offre/)
    assert.ok(page.dom.querySelector('main a[href="/fr/reference/exemption-codes#code-R01"]'))
    assert.equal(page.dom.querySelectorAll('main a').filter((a) => a.getAttribute('href')?.startsWith('/fr/offers/new')).length, 0)
  })

  it('"Check again" after an open work permit keeps the code chosen', async () => {
    const page = await new TestClient(t.app).get('/en/offers/eligibility/result?openPermit=yes&code=C43')
    assert.equal(text(page.dom.querySelector('main .notice-title')), 'You do not need to submit an offer of employment')
    const again = page.dom.querySelectorAll('main a').find((a) => text(a) === 'Check again')!
    assert.equal(again.getAttribute('href'), '/en/offers/eligibility?openPermit=yes&code=C43')
  })

  it('uses the configured fee', async () => {
    const other = await testApp({ config: { feeCents: 155050 } })
    try {
      const page = await new TestClient(other.app).get('/fr/offers/eligibility/result?openPermit=no')
      assert.ok(nbsp(text(page.dom.querySelector('.notice'))).includes('1 550,50 $'))
    } finally {
      await other.close()
    }
  })

  it('adds the entrepreneur rule, the working-holiday nuance and the unsure note where they apply', async () => {
    const client = new TestClient(t.app)
    const c11 = await client.get('/en/offers/eligibility/result?openPermit=no&code=C11')
    assert.match(text(c11.dom.querySelector('.notice')), /NOC code 88888 and the job title “Entrepreneur”/)
    const c21 = await client.get('/en/offers/eligibility/result?openPermit=unsure&code=C21')
    assert.match(text(c21.dom.querySelector('.notice')), /Working holiday participants get an open work permit/)
    assert.match(text(c21.dom.querySelector('.notice')), /not sure about the work permit/)
  })

  it('sends a hand-edited or incomplete result address back to the questions', async () => {
    const client = new TestClient(t.app)
    for (const q of ['', '?openPermit=maybe', '?openPermit=no&code=Z99']) {
      const page = await client.get(`/en/offers/eligibility/result${q}`)
      assert.equal(page.status, 303, q)
      assert.equal(page.location, '/en/offers/eligibility')
    }
  })

  it('searches NOC occupations by title words or code, in each language, without JavaScript', async () => {
    const client = new TestClient(t.app)
    const empty = await client.get('/fr/reference/occupations')
    assert.equal(empty.status, 200)
    assert.equal(text(empty.dom.querySelector('h1')), 'Trouver un code de profession de la CNP 2021')
    assert.equal(empty.dom.querySelector('form[role="search"]')?.getAttribute('method'), 'get')
    assert.equal(empty.dom.querySelectorAll('tbody tr').length, 0)

    const fr = await client.get(`/fr/reference/occupations?q=${encodeURIComponent('soudeurs')}`)
    const rows = fr.dom.querySelectorAll('tbody tr')
    assert.ok(rows.some((r) => text(r.querySelector('th')) === '72106' && /Soudeurs\/soudeuses/.test(text(r))), fr.body.slice(0, 200))
    assert.equal(fr.dom.querySelector('input#q')?.getAttribute('value'), 'soudeurs')

    const en = await client.get('/en/reference/occupations?q=7210')
    assert.ok(en.dom.querySelectorAll('tbody th').every((th) => text(th).startsWith('7210')))
    assert.match(text(en.dom.querySelector('h2[role="status"]')), /occupations found for “7210”/)

    const none = await client.get('/en/reference/occupations?q=zzzqqq')
    assert.match(text(none.dom.querySelector('p[role="status"]')), /No occupation found for “zzzqqq”/)

    const hostile = await client.get(`/en/reference/occupations?q=${encodeURIComponent('<script>alert(1)</script> & |')}`)
    assert.equal(hostile.status, 200)
    assert.ok(!hostile.body.includes('<script>alert(1)'))
  })
})
