import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { newTotpSecret, totpCode } from '../../src/features/auth/totp.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient, text } from '../helpers/http.ts'
import { createUser, signIn, signInStaff } from '../helpers/users.ts'

const OFFICER = newTotpSecret()
const ADMIN = newTotpSecret()
const TEMPORARY = 'a fine temporary phrase'

describe('staff accounts and the console’s chrome', () => {
  let t: TestApp
  let officer: TestClient
  let admin: TestClient
  before(async () => {
    t = await testApp()
    await createUser(t.db, { username: 'officer.s', role: 'officer', totpSecret: OFFICER })
    await createUser(t.db, { username: 'admin.s', role: 'administrator', totpSecret: ADMIN })
    await createUser(t.db, { username: 'employer.s' })
    officer = new TestClient(t.app)
    await signInStaff(officer, 'officer.s', OFFICER, t.clock.now())
    admin = new TestClient(t.app)
    await signInStaff(admin, 'admin.s', ADMIN, t.clock.now())
  })
  after(() => t.close())

  it('makes a new staff member change the temporary password before any console page', async () => {
    await admin.get('/en/console/staff')
    assert.equal((await admin.post('/en/console/staff', { username: 'temp.officer', givenName: 'Tara', familyName: 'Roy', role: 'officer', password: TEMPORARY })).status, 303)
    const created = await t.db.selectFrom('app_user').select(['id', 'must_change_password']).where('username_key', '=', 'temp.officer').executeTakeFirstOrThrow()
    assert.equal(created.must_change_password, true, 'an administrator’s password is a temporary one')
    const list = await admin.get('/en/console/staff')
    const row = list.dom.querySelectorAll('tbody tr').find((r) => text(r.querySelector('td')) === 'temp.officer')
    assert.match(text(row), /temporary password not yet changed/)

    // Their authenticator is set up (the second step of the first sign-in), then the temporary password is still theirs.
    const secret = newTotpSecret()
    await t.db.updateTable('app_user').set({ totp_secret: secret, totp_enabled_at: t.clock.now() }).where('id', '=', created.id).execute()
    const newcomer = new TestClient(t.app)
    await signIn(newcomer, 'temp.officer', TEMPORARY, 'en', true)
    await newcomer.get('/en/sign-in/code')
    const signedIn = await newcomer.post('/en/sign-in/code', { code: totpCode(secret, t.clock.now()) })
    assert.equal(signedIn.status, 303)
    for (const path of [signedIn.location!, '/en/console', '/en/console/search', '/fr/console/enrolments']) {
      const res = await newcomer.get(path)
      assert.equal(res.status, 303, path)
      assert.match(res.location ?? '', /^\/(en|fr)\/account\/password$/, path)
    }
    const page = await newcomer.get('/fr/account/password')
    assert.equal(page.status, 200)
    assert.equal(text(page.dom.querySelector('main .notice-warning h2')), 'Choisissez votre propre mot de passe')

    await newcomer.get('/en/account/password')
    const changed = await newcomer.post('/en/account/password', { currentPassword: TEMPORARY, password: 'my own long passphrase', confirmPassword: 'my own long passphrase' })
    assert.equal(changed.status, 303)
    const after = await newcomer.follow(changed)
    assert.equal(after.dom.querySelector('main .notice-warning'), null, 'no longer asked')
    assert.equal(after.dom.querySelector('main a[href="/en/console"]') !== null, true, 'the way on to the console')
    assert.equal((await newcomer.get('/en/console')).status, 200)
    const stored = await t.db.selectFrom('app_user').select('must_change_password').where('id', '=', created.id).executeTakeFirstOrThrow()
    assert.equal(stored.must_change_password, false)
  })

  it('keeps removed accounts in the staff list, with who removed them and when', async () => {
    await createUser(t.db, { username: 'leaving.officer', role: 'officer' })
    const leaving = await t.db.selectFrom('app_user').select('id').where('username_key', '=', 'leaving.officer').executeTakeFirstOrThrow()
    await admin.get(`/en/console/staff/${leaving.id}/remove`)
    assert.equal((await admin.post(`/en/console/staff/${leaving.id}/remove`, {})).status, 303)
    for (const [lang, words] of [['en', /^Removed on .+ by admin\.s$/], ['fr', /^Retiré le .+ par admin\.s$/]] as const) {
      const list = await admin.get(`/${lang}/console/staff`)
      const row = list.dom.querySelectorAll('tbody tr').find((r) => text(r.querySelector('td')) === 'leaving.officer')
      assert.ok(row, 'the removed account is listed')
      assert.match(text(row!.querySelectorAll('td')[5]), words)
      assert.equal(row!.querySelector('a'), null, 'nothing left to remove')
    }
  })

  it('shows on the console home how many requests wait in each queue, and the way to one’s own account', async () => {
    const employer = await t.db.selectFrom('app_user').select('id').where('username_key', '=', 'employer.s').executeTakeFirstOrThrow()
    await t.db.insertInto('reactivation_request').values({ user_id: employer.id, reason: 'back from leave', created_at: t.clock.now() }).execute()
    for (const key of ['1', '2']) {
      await t.db
        .insertInto('pin_reset_request')
        .values({ requester_user_id: employer.id, given_names: 'E', family_name: 'S', business_key: key, email: 'e@example.ca', reason: 'lost', wants_primary: false, handled_by: 'officers', created_at: t.clock.now() })
        .execute()
    }
    // A request the business's primary user handles is not the officers' to count.
    await t.db
      .insertInto('pin_reset_request')
      .values({ requester_user_id: employer.id, given_names: 'E', family_name: 'S', business_key: '3', email: 'e@example.ca', reason: 'lost', wants_primary: false, handled_by: 'primary', created_at: t.clock.now() })
      .execute()
    const home = await officer.get('/en/console')
    const item = (path: string) => text(home.dom.querySelector(`main a[href="/en/console/${path}"]`)?.parentNode)
    assert.match(item('enrolments'), /\(0 waiting\)$/)
    assert.match(item('pin-resets'), /\(2 waiting\)$/)
    assert.match(item('reactivations'), /\(1 waiting\)$/)
    assert.match(item('transfers'), /\(0 waiting\)$/)
    assert.match(item('fee-exemptions'), /\(0 waiting\)$/)
    const fr = await officer.get('/fr/console')
    assert.match(text(fr.dom.querySelector('main a[href="/fr/console/pin-resets"]')?.parentNode), /\(2 en attente\)$/)
    // Your account: password, e-mail and authenticator, from the console.
    for (const path of ['/en/account/password', '/en/account/email', '/en/account/two-factor']) assert.ok(home.dom.querySelector(`main a[href="${path}"]`), path)
    assert.equal(text(home.dom.querySelector('#your-account')), 'Your account')
  })

  it('shows no account messages in a staff member’s header, and still does in an employer’s', async () => {
    const staffPage = await officer.get('/en/console')
    assert.equal(staffPage.dom.querySelector('header a[href="/en/messages"]'), null)
    const employer = new TestClient(t.app)
    await signIn(employer, 'employer.s')
    const employerPage = await employer.get('/en/home')
    assert.ok(employerPage.dom.querySelector('header a[href="/en/messages"]'))
  })

  it('sends a signed-in officer on an employer page to the console itself, not its sign-in', async () => {
    for (const lang of ['en', 'fr'] as const) {
      const res = await officer.get(`/${lang}/home`)
      assert.equal(res.status, 403)
      const link = res.dom.querySelector(`main a[href="/${lang}/console"]`)
      assert.equal(text(link), lang === 'en' ? 'Go to the console' : 'Aller à la console')
      assert.doesNotMatch(text(res.dom.querySelector('main')), /sign-in|connexion de la console/)
    }
  })

  it('leads a page not found back to the console for staff, and to the home page otherwise', async () => {
    const staff = await officer.get('/fr/console/nothing-here')
    assert.equal(staff.status, 404)
    const way = staff.dom.querySelector('main a.button, main p > a:last-child')
    assert.equal(way?.getAttribute('href'), '/fr/console')
    assert.equal(text(way), 'Retourner à la console')
    const visitor = await new TestClient(t.app).get('/en/nothing-here')
    assert.equal(visitor.status, 404)
    const home = visitor.dom.querySelectorAll('main a').at(-1)
    assert.equal(home?.getAttribute('href'), '/en')
    assert.equal(text(home), 'Return to the home page')
  })
})
