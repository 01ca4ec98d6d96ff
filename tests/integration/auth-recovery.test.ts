import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../helpers/app.ts'
import { errorSummaryLinks, TestClient, text } from '../helpers/http.ts'
import { createUser, signIn, TEST_PASSWORD } from '../helpers/users.ts'
import { renderEmail, renderMessage, type NotificationParams } from '../../src/features/notifications/render.ts'

async function lastLink(t: TestApp, template: string, to: string): Promise<string> {
  const row = await t.db
    .selectFrom('email_outbox')
    .select(['params', 'lang'])
    .where('template', '=', template)
    .where('to_address', '=', to)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow()
  const link = String((row.params as Record<string, unknown>).link)
  return new URL(link).pathname
}

describe('e-mail confirmation', () => {
  let t: TestApp
  before(async () => (t = await testApp()))
  after(() => t.close())

  it('queues a confirmation e-mail in the registrant’s language; the link works once', async () => {
    const client = new TestClient(t.app)
    await client.get('/fr/register')
    await client.post('/fr/register', { username: 'luc.bouchard', email: 'luc@example.ca', password: 'un long mot de passe', confirmPassword: 'un long mot de passe' })
    const outbox = await t.db.selectFrom('email_outbox').select(['lang', 'template']).where('to_address', '=', 'luc@example.ca').execute()
    assert.deepEqual(outbox, [{ lang: 'fr', template: 'verifyEmail' }])
    const path = await lastLink(t, 'verifyEmail', 'luc@example.ca')
    assert.match(path, /^\/fr\/verify-email\/[\w-]{40,}$/)
    const ok = await client.get(path)
    assert.equal(ok.status, 200)
    assert.match(text(ok.dom.querySelector('h1')), /adresse courriel est confirmée/)
    const user = await t.db.selectFrom('app_user').select('email_verified_at').where('username_key', '=', 'luc.bouchard').executeTakeFirstOrThrow()
    assert.ok(user.email_verified_at)
    const again = await client.get(path)
    assert.equal(again.status, 200, 'opened again once it worked: not "this link no longer works"')
    assert.match(text(again.dom.querySelector('h1')), /Cette adresse est déjà confirmée/)
    assert.match(text(again.dom.querySelector('main')), /luc@example\.ca/)
  })

  it('a link reopened after the address was changed again is refused as used', async () => {
    await createUser(t.db, { username: 'mover', email: 'first@example.ca' })
    const client = new TestClient(t.app)
    await signIn(client, 'mover')
    await client.get('/en/account/email')
    await client.post('/en/account/email', { email: 'second@example.ca', currentPassword: TEST_PASSWORD })
    const second = await lastLink(t, 'confirmNewEmail', 'second@example.ca')
    assert.equal((await client.get(second)).status, 200)
    await client.get('/en/account/email')
    await client.post('/en/account/email', { email: 'third@example.ca', currentPassword: TEST_PASSWORD })
    await client.get(await lastLink(t, 'confirmNewEmail', 'third@example.ca'))
    const old = await client.get(second)
    assert.equal(old.status, 410, 'second@ is no longer the account’s address')
    assert.match(text(old.dom.querySelector('h1')), /no longer works/)
  })

  it('expires after 24 hours', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/register')
    await client.post('/en/register', { username: 'late.reader', email: 'late@example.ca', password: 'a slow afternoon read', confirmPassword: 'a slow afternoon read' })
    const path = await lastLink(t, 'verifyEmail', 'late@example.ca')
    t.clock.advanceMinutes(24 * 60 + 1)
    const res = await client.get(path)
    assert.equal(res.status, 410)
    assert.match(text(res.dom.querySelector('h1')), /no longer works/)
    // "Ask for a new one": the page links to where a new one is sent, and that page sends it.
    const fr = await client.get(path.replace(/^\/en/, '/fr'))
    const link = fr.dom.querySelector('main a[href="/fr/account/email"]')
    assert.equal(text(link), 'Obtenir un nouveau lien de confirmation')
    await signIn(client, 'late.reader', 'a slow afternoon read')
    const emailPage = await client.get('/en/account/email')
    assert.match(text(emailPage.dom.querySelector('main')), /late@example\.ca is not confirmed yet/)
    const resent = await client.post('/en/account/email/resend', {})
    assert.equal(resent.location, '/en/account/email?sent=1&resent=1', 'no address in the address bar')
    assert.match(text((await client.follow(resent)).dom.querySelector('main .notice-title')), /new confirmation link to late@example\.ca/)
    const fresh = await lastLink(t, 'verifyEmail', 'late@example.ca')
    assert.notEqual(fresh, path)
    assert.equal((await client.get(fresh)).status, 200)
    assert.doesNotMatch(text((await client.get('/en/account/email')).dom.querySelector('main')), /not confirmed/)
  })

  it('asks for the e-mail address by name when it is left empty', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/register')
    const res = await client.post('/en/register', { username: 'no.email', email: ' ', password: 'a long and quiet river', confirmPassword: 'a long and quiet river' })
    assert.equal(text(res.dom.querySelector('#email-error')), 'Error: Enter your email address')
    await client.get('/fr/register')
    const fr = await client.post('/fr/register', { username: 'no.email', email: '', password: 'a long and quiet river', confirmPassword: 'a long and quiet river' })
    assert.match(text(fr.dom.querySelector('#email-error')), /Entrez votre adresse courriel$/)
  })
})

describe('forgot password', () => {
  let t: TestApp
  before(async () => {
    t = await testApp()
    await createUser(t.db, { username: 'forgetful', email: 'forgetful@example.ca', lang: 'fr' })
  })
  after(() => t.close())

  it('answers the same for an unknown name and a real one, and only e-mails the real one', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/forgot-password')
    const unknown = await client.post('/en/forgot-password', { username: 'no-such-person' })
    const known = await client.post('/en/forgot-password', { username: 'forgetful' })
    assert.equal(unknown.location, known.location)
    const mails = await t.db.selectFrom('email_outbox').select(['to_address', 'lang']).where('template', '=', 'resetPassword').execute()
    assert.deepEqual(mails, [{ to_address: 'forgetful@example.ca', lang: 'fr' }])
  })

  it('writes the e-mail in one language, the recipient’s, whatever the language of the page it was asked from', async () => {
    await createUser(t.db, { username: 'english.pref', email: 'english.pref@example.ca', lang: 'en' })
    const client = new TestClient(t.app)
    await client.get('/fr/forgot-password')
    await client.post('/fr/forgot-password', { username: 'english.pref' })
    const row = await t.db.selectFrom('email_outbox').select(['lang', 'params']).where('to_address', '=', 'english.pref@example.ca').executeTakeFirstOrThrow()
    assert.equal(row.lang, 'en')
    const mail = renderEmail('resetPassword', row.lang, row.params as NotificationParams, 'https://portal.example').text
    assert.match(mail, /^Hello english\.pref/)
    const links = (mail.match(/https?:\/\/\S+/g) ?? []).map((l) => new URL(l).pathname)
    assert.equal(links.length, 2, 'the reset link and the link to the portal')
    assert.ok(links.every((l) => l.startsWith('/en/')), links.join(' '))
  })

  it('sets a new password through the link once, ends every session, and refuses the link afterwards', async () => {
    const elsewhere = new TestClient(t.app)
    await signIn(elsewhere, 'forgetful')
    assert.equal((await elsewhere.get('/en/home')).status, 200)

    const client = new TestClient(t.app)
    t.clock.advanceMinutes(1)
    await client.get('/en/forgot-password')
    await client.post('/en/forgot-password', { username: 'forgetful' })
    const path = (await lastLink(t, 'resetPassword', 'forgetful@example.ca')).replace(/^\/fr/, '/en')
    const form = await client.get(path)
    assert.equal(form.status, 200)
    const weak = await client.post(path, { password: 'password1234', confirmPassword: 'password1234' })
    assert.equal(weak.status, 400)
    assert.ok(errorSummaryLinks(weak.dom).every((l) => l.targetExists))
    const done = await client.post(path, { password: 'a brand new passphrase', confirmPassword: 'a brand new passphrase' })
    assert.equal(done.status, 303)
    assert.equal(done.location, '/en/sign-in')
    assert.match(text((await client.get('/en/sign-in')).dom.querySelector('.notice-title')), /password was changed/)

    const ended = await elsewhere.get('/en/home')
    assert.equal(ended.status, 303, 'the other session ended')
    assert.match(text((await elsewhere.follow(ended)).dom.querySelector('main .notice')), /signed out because the password of your account was changed/)
    assert.equal((await signIn(new TestClient(t.app), 'forgetful', TEST_PASSWORD)).status, 400, 'the old password no longer works')
    assert.equal((await signIn(new TestClient(t.app), 'forgetful', 'a brand new passphrase')).status, 303)
    assert.equal((await client.get(path)).status, 410, 'the link works once')
    const changed = await t.db.selectFrom('email_outbox').select('template').where('template', '=', 'passwordChanged').execute()
    assert.equal(changed.length, 1)
  })

  it('refuses an expired link and an earlier link once a newer one was sent', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/forgot-password')
    await client.post('/en/forgot-password', { username: 'forgetful' })
    const first = await lastLink(t, 'resetPassword', 'forgetful@example.ca')
    t.clock.advanceMinutes(1)
    await client.post('/en/forgot-password', { username: 'forgetful' })
    const second = await lastLink(t, 'resetPassword', 'forgetful@example.ca')
    assert.notEqual(first, second)
    assert.equal((await client.get(first)).status, 410)
    t.clock.advanceMinutes(61)
    assert.equal((await client.get(second)).status, 410)
  })

  it('works from a browser that is still signed in: that session ends too, and the sign-in page says why', async () => {
    await createUser(t.db, { username: 'still.in', email: 'still.in@example.ca' })
    const client = new TestClient(t.app)
    await signIn(client, 'still.in')
    await client.get('/en/forgot-password')
    await client.post('/en/forgot-password', { username: 'still.in' })
    const path = await lastLink(t, 'resetPassword', 'still.in@example.ca')
    await client.get(path)
    const done = await client.post(path, { password: 'a brand new passphrase', confirmPassword: 'a brand new passphrase' })
    assert.equal(done.status, 303, 'not an error drawing a header for the session that just ended')
    const signInPage = await client.get('/en/sign-in')
    assert.equal(signInPage.status, 200)
    assert.match(text(signInPage.dom.querySelector('.notice-title')), /password was changed/)
    assert.equal((await client.get('/en/home')).status, 303, 'signed out')
  })
})

describe('forgot username', () => {
  let t: TestApp
  before(async () => {
    t = await testApp()
    await createUser(t.db, { username: 'two.hats.a', email: 'Shared@Example.ca', lang: 'fr' })
    await createUser(t.db, { username: 'two.hats.b', email: 'shared@example.ca' })
    const unconfirmed = await createUser(t.db, { username: 'not.confirmed', email: 'unconfirmed@example.ca' })
    await t.db.updateTable('app_user').set({ email_verified_at: null }).where('id', '=', unconfirmed.id).execute()
  })
  after(() => t.close())

  const sentTo = async (address: string) =>
    (await t.db.selectFrom('email_outbox').select(['template', 'lang', 'params']).where('to_address', '=', address).where('template', '=', 'usernameReminder').execute()).map(
      (m) => [(m.params as Record<string, unknown>).username, m.lang],
    )

  it('is offered from the sign-in and forgotten-password pages', async () => {
    const client = new TestClient(t.app)
    assert.ok((await client.get('/en/sign-in')).dom.querySelector('main a[href="/en/forgot-username"]'))
    assert.ok((await client.get('/fr/forgot-password')).dom.querySelector('main a[href="/fr/forgot-username"]'))
  })

  it('e-mails the usernames of the accounts that confirmed the address, each in its language, and answers the same for any address', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/forgot-username')
    const empty = await client.post('/en/forgot-username', { email: '' })
    assert.equal(empty.status, 400)
    assert.deepEqual(errorSummaryLinks(empty.dom).map((l) => [l.href, l.text]), [['#email', 'Enter your email address']])
    const known = await client.post('/en/forgot-username', { email: ' SHARED@example.ca ' })
    const unknown = await client.post('/en/forgot-username', { email: 'nobody@example.ca' })
    const notConfirmed = await client.post('/en/forgot-username', { email: 'unconfirmed@example.ca' })
    assert.deepEqual([known.location, unknown.location, notConfirmed.location], Array(3).fill('/en/forgot-username/sent'))
    const sent = (await sentTo('Shared@Example.ca')).concat(await sentTo('shared@example.ca'))
    assert.deepEqual(sent.sort(), [['two.hats.a', 'fr'], ['two.hats.b', 'en']])
    assert.deepEqual(await sentTo('unconfirmed@example.ca'), [], 'only a confirmed address')
    const page = await client.follow(known)
    assert.match(text(page.dom.querySelector('main')), /If the address is the confirmed address of an account/)
    const mail = renderEmail('usernameReminder', 'fr', { username: 'two.hats.a' }, 'https://portal.example').text
    assert.match(mail, /Le nom d’utilisateur est\u00a0: two\.hats\.a/)
  })

  it('sends at most five an hour to an address, with the same answer after', async () => {
    await createUser(t.db, { username: 'flooded.name', email: 'flooded@example.ca' })
    const client = new TestClient(t.app)
    await client.get('/en/forgot-username')
    for (let i = 0; i < 8; i++) assert.equal((await client.post('/en/forgot-username', { email: 'flooded@example.ca' })).location, '/en/forgot-username/sent')
    assert.equal((await sentTo('flooded@example.ca')).length, 5)
    t.clock.advanceMinutes(121)
    await client.post('/en/forgot-username', { email: 'flooded@example.ca' })
    assert.equal((await sentTo('flooded@example.ca')).length, 6, 'again after the pause')
  })
})

describe('changing password and e-mail', () => {
  let t: TestApp
  before(async () => {
    t = await testApp()
    await createUser(t.db, { username: 'changer', email: 'old@example.ca' })
  })
  after(() => t.close())

  it('changes the password with the current one, ends the other sessions, keeps this one, and e-mails a notice', async () => {
    const other = new TestClient(t.app)
    await signIn(other, 'changer')
    const client = new TestClient(t.app)
    await signIn(client, 'changer')
    await client.get('/en/account/password')
    const wrong = await client.post('/en/account/password', { currentPassword: 'not my password', password: 'short', confirmPassword: 'other' })
    assert.equal(wrong.status, 400)
    assert.deepEqual(errorSummaryLinks(wrong.dom).map((l) => [l.href, l.targetExists]), [['#current-password', true], ['#password', true], ['#confirm-password', true]])
    const empty = await client.post('/en/account/password', { currentPassword: '', password: '', confirmPassword: '' })
    assert.deepEqual(errorSummaryLinks(empty.dom).map((l) => l.text), ['Enter your current password', 'Enter a new password', 'Enter the password again to confirm it'])
    const same = await client.post('/en/account/password', { currentPassword: TEST_PASSWORD, password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD })
    assert.equal(same.status, 400)
    assert.deepEqual(errorSummaryLinks(same.dom).map((l) => [l.href, l.text]), [['#password', 'Choose a password different from your current one']])
    const sameFr = await client.post('/fr/account/password', { currentPassword: TEST_PASSWORD, password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD })
    assert.match(text(sameFr.dom.querySelector('#password-error')), /différent de votre mot de passe actuel/)
    const ok = await client.post('/en/account/password', { currentPassword: TEST_PASSWORD, password: 'a completely new phrase', confirmPassword: 'a completely new phrase' })
    assert.equal(ok.status, 303)
    assert.equal((await client.get('/en/home')).status, 200, 'this session carries on')
    const ended = await other.get('/en/home?tab=1')
    assert.equal(ended.status, 303, 'the other session ended')
    const signInPage = await other.follow(ended)
    assert.match(text(signInPage.dom.querySelector('main .notice')), /You were signed out because the password of your account was changed/)
    assert.equal(signInPage.dom.querySelector('input[name="returnTo"]')!.getAttribute('value'), '/en/home?tab=1')
    const other2 = await other.get('/fr/sign-in')
    assert.match(text(other2.dom.querySelector('main .notice')), /déconnecté parce que le mot de passe de votre compte a été changé/)
    assert.equal((await signIn(new TestClient(t.app), 'changer', 'a completely new phrase')).status, 303)
    assert.equal((await t.db.selectFrom('email_outbox').select('id').where('template', '=', 'passwordChanged').execute()).length, 1)
  })

  it('changes the e-mail address only when the link sent to the new one is opened', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'changer', 'a completely new phrase')
    await client.get('/fr/account/email')
    const bad = await client.post('/fr/account/email', { email: 'pas une adresse', currentPassword: 'a completely new phrase' })
    assert.equal(bad.status, 400)
    assert.equal(errorSummaryLinks(bad.dom)[0]!.href, '#email')
    const empty = await client.post('/en/account/email', { email: '', currentPassword: '' })
    assert.deepEqual(errorSummaryLinks(empty.dom).map((l) => l.text), ['Enter your email address', 'Enter your current password'])
    const res = await client.post('/fr/account/email', { email: 'new@example.ca', currentPassword: 'a completely new phrase' })
    assert.equal(res.status, 303)
    assert.equal(res.location, '/fr/account/email?sent=1')
    assert.match(text((await client.follow(res)).dom.querySelector('main .notice-title')), /Nous avons envoyé un lien à new@example\.ca/, 'the address the server sent to')
    const forged = await client.get('/en/account/email?sent=' + encodeURIComponent('attacker@evil.example — call 1-800-SCAM'))
    assert.doesNotMatch(text(forged.dom.querySelector('main')), /evil\.example|SCAM/, 'nothing from the address bar is shown')
    assert.match(text(forged.dom.querySelector('main .notice-title')), /We sent a link to new@example\.ca/)
    let user = await t.db.selectFrom('app_user').select(['email']).where('username_key', '=', 'changer').executeTakeFirstOrThrow()
    assert.equal(user.email, 'old@example.ca', 'nothing changes before the link is opened')
    // The new address gets a "confirm your new address" message, not the registration's.
    const sent = await t.db.selectFrom('email_outbox').select(['template', 'params', 'lang']).where('to_address', '=', 'new@example.ca').execute()
    assert.deepEqual(sent.map((m) => m.template), ['confirmNewEmail'])
    const confirm = renderMessage(sent[0]!.template, sent[0]!.lang, sent[0]!.params as NotificationParams)
    assert.equal(confirm.subject, 'Confirm your new email address')
    assert.doesNotMatch(confirm.body, /register/)
    assert.match(renderMessage('confirmNewEmail', 'fr', sent[0]!.params as NotificationParams).subject, /Confirmez votre nouvelle adresse courriel/)
    assert.equal((await t.db.selectFrom('email_outbox').select('id').where('to_address', '=', 'old@example.ca').where('template', '=', 'emailChanged').execute()).length, 0, 'nothing changed yet')
    const path = await lastLink(t, 'confirmNewEmail', 'new@example.ca')
    assert.equal((await client.get(path)).status, 200)
    user = await t.db.selectFrom('app_user').select(['email']).where('username_key', '=', 'changer').executeTakeFirstOrThrow()
    assert.equal(user.email, 'new@example.ca')
    // The old address is told, as after a password change.
    const notice = await t.db.selectFrom('email_outbox').select(['template', 'params', 'lang']).where('to_address', '=', 'old@example.ca').where('template', '=', 'emailChanged').execute()
    assert.equal(notice.length, 1)
    const told = renderMessage(notice[0]!.template, notice[0]!.lang, notice[0]!.params as NotificationParams)
    assert.equal(told.subject, 'Your email address was changed')
    assert.match(told.body, /is now new@example\.ca/)
  })
})
