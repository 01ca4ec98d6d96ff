import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { renderEmail } from '../../src/features/notifications/render.ts'
import { loadNocIfEmpty } from '../../src/features/reference/noc.service.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient, text } from '../helpers/http.ts'
import { registerSignInAs, signInAs } from '../helpers/sign-in-as.ts'
import { createUser, TEST_PASSWORD } from '../helpers/users.ts'
import { assertInert, assertShown, IMG, JS_URL, PAYLOADS, SCRIPT } from './inert.ts'
import { bn, buildWorld, rowCounts } from './world.ts'


describe('hostile input', () => {
  let t: TestApp
  let ownerId: string
  let officerId: string

  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    ownerId = (await createUser(t.db, { username: 'hostile.owner' })).id
    officerId = (await createUser(t.db, { username: 'hostile.officer', role: 'officer' })).id
    await loadNocIfEmpty(t.db)
  })
  after(() => t.close())

  const signedIn = async (userId?: string) => {
    const client = new TestClient(t.app)
    if (userId) await signInAs(client, userId)
    return client
  }

  describe('script payloads come back escaped wherever they appear', () => {
    it('registration: refused, and the username and e-mail are shown back escaped; no account is made', async () => {
      for (const payload of PAYLOADS) {
        const client = await signedIn()
        await client.get('/en/register')
        const before = await rowCounts(t.db)
        const res = await client.post('/en/register', { username: payload, email: payload, password: 'x', confirmPassword: 'y' })
        assert.equal(res.status, 400, payload)
        assertInert(res, `register ${payload}`)
        assert.equal(res.dom.querySelector('#username')?.getAttribute('value'), payload)
        assert.equal(res.dom.querySelector('#email')?.getAttribute('value'), payload)
        assert.deepEqual(await rowCounts(t.db), before)
      }
    })

    it('contact details: saved as typed and shown escaped on the home page', async () => {
      const client = await signedIn(ownerId)
      await client.get('/en/home')
      const saved = await client.post('/en/home/contact', { givenName: SCRIPT, middleName: JS_URL, familyName: IMG, preferredLanguage: 'en' })
      assert.equal(saved.status, 303)
      const user = await t.db.selectFrom('app_user').select(['given_name', 'family_name']).where('id', '=', ownerId).executeTakeFirstOrThrow()
      assert.deepEqual(user, { given_name: SCRIPT, family_name: IMG }, 'stored as typed: escaping is the page’s job')
      for (const lang of ['en', 'fr'] as const) {
        const home = await client.get(`/${lang}/home`)
        assert.equal(home.status, 200)
        assertInert(home, `home ${lang}`)
        assertShown(home, [SCRIPT, IMG], `home ${lang}`)
      }
    })

    it('enrolment names and address, the officer’s queue and detail, the refusal note, the home page and the account message', async () => {
      const owner = await signedIn(ownerId)
      await owner.get('/en/enrol')
      await owner.follow(await owner.post('/en/enrol/start', {}))
      const business = await owner.post('/en/enrol/business', { operatesInCanada: 'yes', businessNumber: bn('55566677'), legalName: SCRIPT, operatingName: IMG, then: 'next' })
      assert.equal(business.location, '/en/enrol/address')
      await owner.get('/en/enrol/address')
      const address = await owner.post('/en/enrol/address', { street: IMG, city: JS_URL, province: 'ON', postalCode: 'K1A 0A9', phone: '613 555 0123', then: 'next' })
      assert.equal(address.location, '/en/enrol/contact')
      // A step refused for another field shows the hostile values back, escaped.
      const again = await owner.post('/en/enrol/address', { street: SCRIPT, city: IMG, province: 'XX', postalCode: 'K1A 0A9', phone: '613 555 0123', then: 'next' })
      assert.equal(again.status, 400)
      assertInert(again, 'address step with an error')
      assertShown(again, [SCRIPT, IMG], 'address step with an error')
      await owner.get('/en/enrol/contact')
      assert.equal((await owner.post('/en/enrol/contact', { givenName: SCRIPT, middleName: '', familyName: IMG, preferredLanguage: 'en', then: 'next' })).status, 303)
      const review = await owner.get('/en/enrol/review')
      assertInert(review, 'review')
      assertShown(review, [SCRIPT, IMG, JS_URL], 'review')
      assert.equal((await owner.post('/en/enrol/submit', {})).status, 303)
      const pending = await owner.get('/en/home')
      assertInert(pending, 'home, pending')
      assertShown(pending, [SCRIPT], 'home, pending')

      const request = await t.db.selectFrom('enrolment_request').select('id').where('status', '=', 'submitted').executeTakeFirstOrThrow()
      const officer = await signedIn(officerId)
      const queue = await officer.get('/en/console/enrolments')
      assertInert(queue, 'queue')
      assertShown(queue, [SCRIPT], 'queue')
      const detail = await officer.get(`/en/console/enrolments/${request.id}`)
      assertInert(detail, 'officer detail')
      assertShown(detail, [SCRIPT, IMG, JS_URL], 'officer detail')
      const note = `${SCRIPT} ${IMG} ${JS_URL}`
      const refused = await officer.post(`/en/console/enrolments/${request.id}/decision`, { decision: 'refuse', reason: 'other', note })
      assert.equal(refused.status, 303)
      const after = await officer.follow(refused)
      assertInert(after, 'officer detail after refusal')

      const home = await owner.get('/en/home')
      assertInert(home, 'home, refused')
      const messages = await owner.get('/en/messages')
      assertInert(messages, 'messages')
      const link = messages.dom.querySelectorAll('main a').find((a) => /\/en\/messages\/[0-9a-f-]{36}/.test(a.getAttribute('href') ?? ''))
      assert.ok(link, 'the refusal message is listed')
      const message = await owner.get(link.getAttribute('href')!)
      assertInert(message, 'the refusal message')
      assertShown(message, [SCRIPT], 'the refusal message')
      const mail = await t.db.selectFrom('email_outbox').select('params').where('template', '=', 'enrolmentRefused').executeTakeFirst()
      assert.ok(mail, 'the refusal is e-mailed too')
      const email = renderEmail('enrolmentRefused', 'en', mail.params, t.config.publicBaseUrl)
      assert.ok(!email.html.includes(SCRIPT) && !email.html.includes('<img src=x'), 'the e-mail’s HTML escapes the note')
      assert.ok(email.html.includes('&lt;script&gt;'), 'the note is in the e-mail, escaped')
      assert.doesNotMatch(email.html, /href="\s*javascript:/i)
    })

    it('the officer’s decision form shows a refused note back escaped', async () => {
      const officer = await signedIn(officerId)
      const now = t.clock.now()
      const reviewer = await createUser(t.db, { username: 'hostile.requester' })
      const request = await t.db
        .insertInto('enrolment_request')
        .values({ requester_user_id: reviewer.id, status: 'submitted', operates_in_canada: true, business_number: bn('99988877'), legal_name: 'Quiet Ltd.', legal_name_key: 'quiet ltd', operating_name: 'Quiet', street: '1 Main St', city: 'Ottawa', province: 'ON', postal_code: 'K1A 0A9', phone: '+1 613 555 0100', submitted_at: now, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
      await officer.get(`/en/console/enrolments/${request.id}`)
      const before = await rowCounts(t.db)
      const res = await officer.post(`/en/console/enrolments/${request.id}/decision`, { decision: 'refuse', reason: 'no-such-reason', note: `${SCRIPT}${IMG}` })
      assert.equal(res.status, 400)
      assertInert(res, 'decision form with an error')
      assertShown(res, [`${SCRIPT}${IMG}`], 'decision form with an error')
      assert.deepEqual(await rowCounts(t.db), before)
    })

    it('access: new user and branch forms, the access page, joining with a PIN', async () => {
      const world = await buildWorld(t, 'h')
      const primary = await signedIn(world.users.primaryA.id)
      await primary.get('/en/access/users/new')
      const user = await primary.post('/en/access/users/new', { givenNames: SCRIPT, familyName: IMG, email: JS_URL, branch: '', attest: 'yes' })
      assert.equal(user.status, 400)
      assertInert(user, 'new user refused')
      assertShown(user, [SCRIPT, IMG, JS_URL], 'new user refused')

      await primary.get('/en/access/branches/new')
      const branch = await primary.post('/en/access/branches/new', { name: SCRIPT, street: IMG, city: JS_URL, province: 'ON', postalCode: 'K1A 0A9', givenNames: 'Béa', familyName: 'Branche', email: '' })
      assert.ok(branch.status === 303 || branch.status === 400, `${branch.status}`)
      assertInert(branch, 'new branch')
      for (const url of ['/en/access', '/fr/access', '/en/access/users/new', '/en/home']) {
        const page = await primary.get(url)
        assert.equal(page.status, 200, url)
        assertInert(page, url)
      }
      if (branch.status === 303) assertShown(await primary.get('/en/access/users/new'), [SCRIPT], 'the branch name in the new user form')

      const joiner = await signedIn(world.users.noBusiness.id)
      await joiner.get('/en/join')
      const before = await rowCounts(t.db)
      const join = await joiner.post('/en/join', { givenNames: SCRIPT, familyName: IMG, pin: SCRIPT })
      assert.equal(join.status, 400)
      assertInert(join, 'join refused')
      assert.ok(!join.body.includes('&lt;script&gt;alert(1)&lt;/script&gt;</input') && join.dom.querySelector('#pin')?.getAttribute('value') !== SCRIPT, 'the PIN is never shown back')
      assert.deepEqual(await rowCounts(t.db), before)
    })

    it('offers: every text field of every section, on its page, the offer’s page and the queue', async () => {
      const world = await buildWorld(t, 'o')
      const member = await signedIn(world.users.secondaryA.id)
      const offer = world.fx.offerA
      const first = await member.get(`/en/offers/${offer}`)
      assert.ok(first.status === 200 || first.status === 303, `${first.status}`)
      const sections = [...new Set([...(await member.get(`/en/offers/${offer}/validate`)).body.matchAll(new RegExp(`/en/offers/${offer}/([a-z-]+)`, 'g'))].map((m) => m[1]!))].filter((s) => s !== 'validate')
      assert.ok(sections.length >= 3, `sections found: ${sections.join(', ')}`)
      let typed = 0
      for (const [i, section] of sections.entries()) {
        const page = await member.get(`/en/offers/${offer}/${section}`)
        if (page.status !== 200) continue
        const names = page.dom
          .querySelectorAll('main form input, main form textarea')
          .filter((el) => el.tagName === 'TEXTAREA' || ['text', 'date', 'email', 'tel', null].includes(el.getAttribute('type') ?? null))
          .map((el) => el.getAttribute('name'))
          .filter((n): n is string => !!n && n !== '_csrf')
        if (names.length === 0) continue
        const payload = PAYLOADS[i % PAYLOADS.length]!
        // The form's hidden fields (the draft's version) go back as they came.
        const hidden = page.dom
          .querySelectorAll('main form input[type="hidden"]')
          .map((el) => [el.getAttribute('name') ?? '', el.getAttribute('value') ?? ''] as const)
          .filter(([n]) => n && n !== '_csrf')
        const saved = await member.post(`/en/offers/${offer}/${section}`, { ...Object.fromEntries(hidden), ...Object.fromEntries(names.map((n) => [n, payload])), nav: 'exit' })
        assert.ok(saved.status < 500, `${section}: ${saved.status}`)
        assertInert(saved, `${section} saved`)
        const again = await member.get(`/en/offers/${offer}/${section}`)
        assertInert(again, `${section} again`)
        assertShown(again, [payload], `${section} again`)
        typed += names.length
      }
      assert.ok(typed >= 5, `${typed} text fields tried`)
      for (const url of [`/en/offers/${offer}`, `/fr/offers/${offer}`, `/en/offers/${offer}/validate`, '/en/offers', '/fr/offers']) {
        const page = await member.get(url)
        assert.ok(page.status < 500, `${url}: ${page.status}`)
        assertInert(page, url)
      }
    })

    it('a primary-transfer request’s reason, in the officers’ queue and detail', async () => {
      const world = await buildWorld(t, 'p')
      await t.db.updateTable('primary_transfer_request').set({ reason: `${SCRIPT} ${IMG} ${JS_URL}` }).where('id', '=', world.fx.transferA).execute()
      const officer = await signedIn(world.users.officer.id)
      for (const url of ['/en/console/transfers', `/en/console/transfers/${world.fx.transferA}`, `/fr/console/transfers/${world.fx.transferA}`]) {
        const page = await officer.get(url)
        assert.equal(page.status, 200, url)
        assertInert(page, url)
      }
      assertShown(await officer.get(`/en/console/transfers/${world.fx.transferA}`), [SCRIPT, IMG], 'transfer detail')
    })

    it('a PIN reset request (names, reason, the typed e-mail) and a business name, in the primary user’s and the officers’ pages and the header’s switcher', async () => {
      const world = await buildWorld(t, 'r')
      const hostile = { given_names: SCRIPT, family_name: IMG, reason: `${SCRIPT} ${IMG} ${JS_URL}` }
      await t.db.updateTable('pin_reset_request').set(hostile).where('id', 'in', [world.fx.pinResetA, world.fx.pinResetOfficersA]).execute()
      await t.db.updateTable('reactivation_request').set({ reason: `${SCRIPT} ${IMG}` }).where('id', '=', world.fx.reactivation).execute()
      const primary = await signedIn(world.users.primaryA.id)
      for (const url of ['/en/access', `/en/access/pin-resets/${world.fx.pinResetA}`, `/fr/access/pin-resets/${world.fx.pinResetA}`]) {
        const page = await primary.get(url)
        assert.equal(page.status, 200, url)
        assertInert(page, url)
      }
      assertShown(await primary.get(`/en/access/pin-resets/${world.fx.pinResetA}`), [SCRIPT, IMG], 'PIN reset detail')
      const officer = await signedIn(world.users.officer.id)
      for (const url of ['/en/console/pin-resets', `/en/console/pin-resets/${world.fx.pinResetOfficersA}`, '/en/console/reactivations', `/en/console/reactivations/${world.fx.reactivation}`]) {
        const page = await officer.get(url)
        assert.equal(page.status, 200, url)
        assertInert(page, url)
      }
      // A business name in the header's switcher (someone acting for two businesses).
      await t.db.updateTable('business').set({ legal_name: `${SCRIPT} ${IMG}` }).where('id', '=', world.businessB).execute()
      await t.db.insertInto('business_membership').values({ business_id: world.businessB, user_id: world.users.secondaryA.id, role: 'secondary', created_at: t.clock.now(), created_by: null }).execute()
      const rep = await signedIn(world.users.secondaryA.id)
      const home = await rep.get('/en/home')
      assertInert(home, 'home with the switcher')
      assertShown(await rep.get('/en/business/active'), [SCRIPT], 'the switcher page')
    })

    it('a javascript: or foreign return address after sign-in is ignored', async () => {
      for (const returnTo of [JS_URL, '//evil.example/x', 'https://evil.example/', '/\\evil.example', '/en\\..\\evil', 'HTTPS://evil.example']) {
        const page = await (await signedIn()).get(`/en/sign-in?returnTo=${encodeURIComponent(returnTo)}`)
        assert.equal(page.status, 200)
        assertInert(page, `sign-in returnTo ${returnTo}`)
        const hidden = page.dom.querySelector('input[name="returnTo"]')?.getAttribute('value') ?? ''
        assert.equal(hidden, '', `${returnTo} is not kept`)
      }
      // After signing in, a refused return address sends home, never elsewhere.
      const client = await signedIn(ownerId)
      await client.get('/en/offers/eligibility')
      for (const returnTo of [JS_URL, '//evil.example/x', 'https://evil.example/']) {
        const ret = await client.post('/en/session/continue', { returnTo })
        assert.equal(ret.status, 303)
        assert.match(ret.location ?? '', /^\/(en|fr)(\/|$)/, `${returnTo} → ${ret.location}`)
      }
    })
  })

  describe('SQL metacharacters in search and filter inputs get a normal answer', () => {
    const METAS = ["' OR 1=1 --", '%', '_', '\\', "'; drop table noc_occupation; --", '%_%', "cook' --", '1%', '12_'] as const

    it('the NOC occupation search', async () => {
      const client = await signedIn()
      const before = await rowCounts(t.db)
      const cooks = await client.get('/en/reference/occupations?q=cook')
      const cookRows = cooks.dom.querySelectorAll('main table tbody tr').length
      assert.ok(cookRows > 0, 'a plain search finds something (the list is loaded)')
      for (const lang of ['en', 'fr'] as const) {
        for (const q of METAS) {
          const res = await client.get(`/${lang}/reference/occupations?q=${encodeURIComponent(q)}`)
          assert.equal(res.status, 200, q)
          assertInert(res, q)
          const rows = res.dom.querySelectorAll('main table tbody tr').length
          // Wildcards are not wildcards: "%" or "_" alone find nothing, never the whole list.
          if (/^[%_\\]+$/.test(q)) assert.equal(rows, 0, `${q} matches nothing`)
          if (q === "cook' --" && lang === 'en') assert.equal(rows, cookRows, 'punctuation is ignored, not interpreted')
        }
      }
      assert.deepEqual(await rowCounts(t.db), before)
    })

    it('the console enrolment filter', async () => {
      const officer = await signedIn(officerId)
      const before = await rowCounts(t.db)
      for (const q of METAS) {
        const res = await officer.get(`/en/console/enrolments?status=${encodeURIComponent(q)}`)
        assert.equal(res.status, 200, q)
        assertInert(res, q)
      }
      // The audit trail viewer's filters (actor, business, action, dates).
      for (const q of METAS) {
        for (const field of ['actor', 'business', 'action', 'from', 'to']) {
          const res = await officer.get(`/en/console/audit?${field}=${encodeURIComponent(q)}`)
          assert.ok(res.status === 200 || res.status === 400, `audit ${field}=${q}: ${res.status}`)
          assertInert(res, `audit ${field}=${q}`)
        }
      }
      const all = await officer.get(`/en/console/audit?actor=${encodeURIComponent("' OR 1=1 --")}`)
      assert.equal(all.dom.querySelectorAll('main table tbody tr').length, 0, 'a quoted actor matches no one')
      const twice = await officer.get('/en/console/enrolments?status=refused&status=approved')
      assert.equal(twice.status, 200)
      assert.deepEqual(await rowCounts(t.db), before)
    })
  })

  describe('malformed requests get a clear page, and change nothing', () => {
    it('a body over the limit: 413 page on a real form', async () => {
      const client = await signedIn()
      await client.get('/en/register')
      const before = await rowCounts(t.db)
      const res = await client.post('/en/register', { username: 'big', email: 'x'.repeat(t.config.bodyLimitBytes) })
      assert.equal(res.status, 413)
      assert.equal(res.dom.querySelector('html')?.getAttribute('lang'), 'en')
      assert.ok(text(res.dom.querySelector('h1')).length > 0)
      assert.deepEqual(await rowCounts(t.db), before)
    })

    it('a content type no form sends: 415 page, in the page’s language', async () => {
      for (const [lang, type] of [
        ['en', 'text/xml'],
        ['fr', 'application/x-evil'],
        ['fr', 'text/plain'],
      ] as const) {
        const client = await signedIn()
        await client.get(`/${lang}/register`)
        const before = await rowCounts(t.db)
        const res = await client.request('POST', `/${lang}/register`, { headers: { 'content-type': type }, payload: `<x>${SCRIPT}</x>` })
        assert.equal(res.status, 415, type)
        assert.equal(res.dom.querySelector('html')?.getAttribute('lang'), lang)
        assertInert(res, type)
        assert.deepEqual(await rowCounts(t.db), before)
      }
    })

    it('a malformed multipart body (uploads are read as multipart): a clear error page, nothing changed', async () => {
      for (const lang of ['en', 'fr'] as const) {
        const client = await signedIn()
        await client.get(`/${lang}/register`)
        const before = await rowCounts(t.db)
        const res = await client.request('POST', `/${lang}/register`, { headers: { 'content-type': 'multipart/form-data; boundary=x' }, payload: `<x>${SCRIPT}</x>` })
        assert.ok([400, 403].includes(res.status), `multipart garbage: ${res.status}`)
        assert.equal(res.dom.querySelector('html')?.getAttribute('lang'), lang)
        assertInert(res, 'multipart')
        assert.deepEqual(await rowCounts(t.db), before)
      }
    })

    it('malformed percent-encoding or UTF-8 in the address: a 400 page in the language of its /en/ or /fr/, else the browser’s', async () => {
      const before = await rowCounts(t.db)
      for (const [url, browser, lang] of [
        ['/en/%E0%A4%A', 'fr', 'en'],
        ['/fr/%E0%A4%A', 'en', 'fr'],
        ['/fr/messages/%', 'en', 'fr'],
        ['/en/messages/%', 'fr-CA', 'en'],
        ['/assets/fonts/%C0%AE%C0%AE/package.json', 'fr', 'fr'],
        ['/%E0%A4%A', 'en', 'en'],
      ] as const) {
        const res = await (await signedIn()).get(url, { 'accept-language': browser })
        assert.equal(res.status, 400, url)
        assert.equal(res.dom.querySelector('html')?.getAttribute('lang'), lang, url)
        assert.match(text(res.dom.querySelector('h1')), lang === 'en' ? /couldn’t read that request/ : /pas pu lire cette demande/, url)
        assertInert(res, url)
      }
      // Bad encoding in the query string is read leniently: the page answers normally.
      for (const url of ['/fr/reference/occupations?q=%E0%A4%A', '/en/reference/occupations?q=%FF%FE%25']) {
        const res = await (await signedIn()).get(url)
        assert.equal(res.status, 200, url)
        assertInert(res, url)
      }
      assert.deepEqual(await rowCounts(t.db), before)
    })

    it('malformed percent-encoding or UTF-8 in a form body: a normal validation error, nothing saved', async () => {
      for (const payload of [Buffer.from('username=%E0%A4%A&email=%&password=%%%&confirmPassword=%ZZ'), Buffer.from([0x75, 0x73, 0x65, 0x72, 0x6e, 0x61, 0x6d, 0x65, 0x3d, 0xff, 0xfe, 0xc3, 0x28])]) {
        const client = await signedIn()
        await client.get('/en/register')
        const before = await rowCounts(t.db)
        const body = Buffer.concat([payload, Buffer.from(`&_csrf=${encodeURIComponent(client.csrf!)}`)])
        const res = await client.request('POST', '/en/register', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body })
        assert.ok(res.status === 400, `${res.status}`)
        assert.equal(res.dom.querySelector('html')?.getAttribute('lang'), 'en')
        assert.ok(res.dom.querySelector('.error-summary, h1'), 'a page that says what went wrong')
        assert.deepEqual(await rowCounts(t.db), before)
      }
    })

    it('repeated fields and bracket nesting: a normal validation error, never a 500', async () => {
      const officer = await signedIn(officerId)
      const owner = await signedIn(ownerId)
      const visitor = await signedIn()
      const request = await t.db.selectFrom('enrolment_request').select('id').executeTakeFirstOrThrow()
      const forms: Array<[TestClient, string, string, string[]]> = [
        [visitor, '/en/register', '/en/register', ['username', 'email', 'password', 'confirmPassword']],
        [visitor, '/en/sign-in', '/en/sign-in', ['username', 'password', 'returnTo']],
        [visitor, '/en/forgot-password', '/en/forgot-password', ['username']],
        [visitor, '/en/offers/eligibility', '/en/offers/eligibility', ['openPermit', 'code']],
        [owner, '/en/home', '/en/home/contact', ['givenName', 'middleName', 'familyName', 'preferredLanguage']],
        [owner, '/en/enrol', '/en/enrol/business', ['operatesInCanada', 'businessNumber', 'legalName', 'operatingName', 'then']],
        [owner, '/en/enrol', '/en/enrol/address', ['street', 'city', 'province', 'postalCode', 'phone', 'then']],
        [owner, '/en/enrol', '/en/enrol/contact', ['givenName', 'familyName', 'preferredLanguage', 'then']],
        [officer, `/en/console/enrolments/${request.id}`, `/en/console/enrolments/${request.id}/decision`, ['decision', 'reason', 'note']],
      ]
      await owner.get('/en/enrol')
      await owner.post('/en/enrol/start', {})
      for (const [client, page, action, fields] of forms) {
        await client.get(page)
        const before = await rowCounts(t.db)
        const token = `_csrf=${encodeURIComponent(client.csrf!)}`
        const repeated = fields.map((f) => `${f}=1&${f}=2`).join('&')
        const nested = fields.map((f) => `${f}[b][c]=1&${f}[]=x`).join('&')
        for (const body of [repeated, nested, `${repeated}&${nested}`, `__proto__[polluted]=1&constructor[prototype][polluted]=1&${repeated}`]) {
          const res = await client.request('POST', action, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `${body}&${token}` })
          assert.ok(res.status === 400 || res.status === 303, `${action} ${body.slice(0, 60)}: ${res.status}`)
          assert.ok(!('polluted' in {}), 'no prototype pollution')
        }
        assert.deepEqual(await rowCounts(t.db), before, action)
      }
    })

    it('JSON bodies with other shapes (objects, numbers, nulls, nesting): a normal validation error, never a 500', async () => {
      const officer = await signedIn(officerId)
      const owner = await signedIn(ownerId)
      const visitor = await signedIn()
      const request = await t.db.selectFrom('enrolment_request').select('id').executeTakeFirstOrThrow()
      const forms: Array<[TestClient, string, string, string[]]> = [
        [visitor, '/en/register', '/en/register', ['username', 'email', 'password', 'confirmPassword']],
        [visitor, '/en/sign-in', '/en/sign-in', ['username', 'password', 'returnTo']],
        [visitor, '/en/offers/eligibility', '/en/offers/eligibility', ['openPermit', 'code']],
        [owner, '/en/home', '/en/home/contact', ['givenName', 'middleName', 'familyName', 'preferredLanguage']],
        [officer, `/en/console/enrolments/${request.id}`, `/en/console/enrolments/${request.id}/decision`, ['decision', 'reason', 'note']],
      ]
      for (const [client, page, action, fields] of forms) {
        await client.get(page)
        const before = await rowCounts(t.db)
        for (const value of [{ $ne: null }, 42, null, true, ['a', ['b']], { toString: 'x' }]) {
          const body = { ...Object.fromEntries(fields.map((f) => [f, value])), _csrf: client.csrf }
          const res = await client.request('POST', action, { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) })
          assert.ok(res.status === 400 || res.status === 303, `${action} ${JSON.stringify(value)}: ${res.status}`)
        }
        for (const payload of ['"just a string"', 'null', '[1,2]', '{"_csrf":', '{"__proto__":{"polluted":1}}']) {
          const res = await client.request('POST', action, { headers: { 'content-type': 'application/json', 'x-csrf-token': client.csrf! }, payload })
          assert.ok([400, 403].includes(res.status), `${action} ${payload}: ${res.status}`)
          assert.ok(!('polluted' in {}), 'no prototype pollution')
        }
        assert.deepEqual(await rowCounts(t.db), before, action)
      }
    })

    it('mass assignment: fields a form does not have are ignored', async () => {
      const owner = await signedIn(ownerId)
      await owner.get('/en/home')
      const before = await t.db.selectFrom('app_user').selectAll().where('id', '=', ownerId).executeTakeFirstOrThrow()
      const res = await owner.post('/en/home/contact', {
        givenName: 'Ada',
        middleName: '',
        familyName: 'Lovelace',
        preferredLanguage: 'en',
        role: 'administrator',
        username: 'hostile.admin',
        email: 'attacker@example.com',
        email_verified_at: '2020-01-01',
        status: 'active',
        id: officerId,
        totp_secret: 'AAAA',
      })
      assert.equal(res.status, 303)
      const afterRow = await t.db.selectFrom('app_user').selectAll().where('id', '=', ownerId).executeTakeFirstOrThrow()
      assert.equal(afterRow.given_name, 'Ada')
      for (const k of ['role', 'username', 'email', 'email_verified_at', 'totp_secret', 'password_hash', 'status'] as const) assert.deepEqual(afterRow[k], before[k], k)
      assert.equal((await t.db.selectFrom('app_user').select('role').where('id', '=', officerId).executeTakeFirstOrThrow()).role, 'officer')
    })

    it('a forged Host header does not reach the links the portal e-mails', async () => {
      const client = await signedIn()
      await client.get('/en/forgot-password', { host: 'evil.example' })
      await client.request('POST', '/en/forgot-password', { form: { username: 'hostile.owner', _csrf: client.csrf }, headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } })
      const rows = await t.db.selectFrom('email_outbox').select('params').where('template', '=', 'resetPassword').execute()
      assert.ok(rows.length > 0, 'a reset e-mail was queued')
      for (const r of rows) assert.ok(String(r.params.link).startsWith(`${t.config.publicBaseUrl}/`), String(r.params.link))
    })

    it('a stranger cannot flood someone’s inbox with reset e-mails: five an hour, the same answer every time', async () => {
      const victim = await createUser(t.db, { username: 'hostile.flooded' })
      const mails = async () =>
        (await t.db.selectFrom('email_outbox').select('params').where('template', '=', 'resetPassword').execute()).filter((r) => r.params.username === victim.username).length
      const client = await signedIn()
      await client.get('/en/forgot-password')
      for (let i = 0; i < 8; i++) {
        const res = await client.post('/en/forgot-password', { username: 'hostile.flooded' })
        assert.equal(res.location, '/en/forgot-password/sent', 'the same answer, sent or not')
      }
      assert.equal(await mails(), 5)
      t.clock.advanceMinutes(61)
      await client.post('/en/forgot-password', { username: 'hostile.flooded' })
      assert.equal(await mails(), 6, 'an hour later the person can ask again')
    })

    it('a stolen session cannot guess the current password: ten wrong answers pause both account forms', async () => {
      const victim = await createUser(t.db, { username: 'hostile.guessed' })
      const thief = await signedIn(victim.id)
      await thief.get('/en/account/password')
      for (let i = 0; i < 10; i++) {
        const res = await thief.post('/en/account/password', { currentPassword: `guess-${i}`, password: 'Brand-new-password-2026', confirmPassword: 'Brand-new-password-2026' })
        assert.equal(res.status, 400)
      }
      const right = await thief.post('/en/account/password', { currentPassword: TEST_PASSWORD, password: 'Brand-new-password-2026', confirmPassword: 'Brand-new-password-2026' })
      assert.equal(right.status, 400, 'paused, even with the right password')
      assert.match(text(right.dom.querySelector('.error-summary')), /Wait \d+ seconds/)
      await thief.get('/en/account/email')
      const email = await thief.post('/en/account/email', { email: 'thief@example.com', currentPassword: TEST_PASSWORD })
      assert.equal(email.status, 400, 'the e-mail form is paused too')
      const row = await t.db.selectFrom('app_user').select(['password_hash', 'email']).where('id', '=', victim.id).executeTakeFirstOrThrow()
      assert.equal(row.password_hash, victim.password_hash)
      assert.equal(row.email, victim.email)
      assert.equal((await t.db.selectFrom('user_token').select('id').where('user_id', '=', victim.id).execute()).length, 0, 'no confirmation link was made')
    })

    it('changing one’s e-mail address cannot make the portal mail addresses in a loop: five an hour', async () => {
      const user = await createUser(t.db, { username: 'hostile.mailer' })
      const client = await signedIn(user.id)
      await client.get('/en/account/email')
      for (let i = 0; i < 8; i++) await client.post('/en/account/email', { email: `target+${i}@example.com`, currentPassword: TEST_PASSWORD })
      const sent = (await t.db.selectFrom('email_outbox').select('to_address').where('template', '=', 'confirmNewEmail').execute()).filter((r) => r.to_address.startsWith('target+'))
      assert.equal(sent.length, 5)
    })

    it('path traversal: 404 and no file content', async () => {
      const before = await rowCounts(t.db)
      for (const url of [
        '/assets/fonts/..%2f..%2fpackage.json',
        '/assets/fonts/..%2F..%2F..%2F..%2Fpackage.json',
        '/assets/fonts/%2e%2e/%2e%2e/%2e%2e/%2e%2e/package.json',
        '/assets/fonts/....//....//package.json',
        '/assets/fonts/..%5c..%5cpackage.json',
        '/assets/fonts/noto-sans/README.md',
        '/assets/fonts/noto-sans/gcds-noto-sans.css',
        '/en/..%2f..%2fetc/passwd',
        '/fr/..%2f..%2f..%2f..%2fetc%2fpasswd',
        '/assets/..%2f..%2fsrc%2fconfig.ts',
        '/dev/mailbox/..%2f..%2fpackage.json',
      ]) {
        const res = await (await signedIn()).get(url)
        assert.equal(res.status, 404, url)
        assert.doesNotMatch(res.body, /"dependencies"|root:x:0:0|sessionSecret|# GC Design System/, url)
      }
      assert.deepEqual(await rowCounts(t.db), before)
    })
  })
})
