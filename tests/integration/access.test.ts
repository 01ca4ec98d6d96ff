import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { AppUser } from '../../src/db/database.ts'
import { renderMessage, type NotificationParams } from '../../src/features/notifications/render.ts'
import { luhnCheckDigit } from '../../src/features/reference/validators.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { errorSummaryLinks, TestClient, text, type PageResponse } from '../helpers/http.ts'
import { createUser, signIn } from '../helpers/users.ts'

let bnSeq = 10000000
async function business(t: TestApp, name: string, primary: AppUser): Promise<string> {
  const eight = String(bnSeq++)
  const now = t.clock.now()
  const b = await t.db
    .insertInto('business')
    .values({ business_number: eight + luhnCheckDigit(eight), legal_name: name, legal_name_key: name.toLowerCase(), operating_name: name, street: '1 Main St', city: 'Ottawa', province: 'ON', postal_code: 'K1A 0B1', phone: '6135550123', employer_number: `E${eight.slice(1)}`, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  await t.db.insertInto('business_membership').values({ business_id: b.id, user_id: primary.id, role: 'primary', created_at: now, created_by: null }).execute()
  return b.id
}

async function signedIn(t: TestApp, username: string): Promise<TestClient> {
  const c = new TestClient(t.app)
  const res = await signIn(c, username)
  assert.equal(res.status, 303, `${username} signs in`)
  return c
}

/** Creates a secondary user through the pages; returns the PIN shown and the PIN row id. */
async function createSecondary(c: TestClient, form: { givenNames: string; familyName: string; email?: string }, lang: 'en' | 'fr' = 'en', query = ''): Promise<{ pin: string; id: string; page: PageResponse }> {
  await c.get(`/${lang}/access/users/new${query}`)
  const res = await c.post(`/${lang}/access/users/new${query}`, { email: '', ...form, attest: 'yes' })
  assert.equal(res.status, 303, res.body.slice(0, 500))
  const id = /\/access\/pins\/([0-9a-f-]+)\/created$/.exec(res.location ?? '')![1]!
  const page = await c.follow(res)
  assert.equal(page.status, 200)
  return { pin: text(page.dom.querySelector('#pin')), id, page }
}

async function join(c: TestClient, form: { givenNames: string; familyName: string; pin: string }, lang: 'en' | 'fr' = 'en'): Promise<PageResponse> {
  await c.get(`/${lang}/join`)
  return c.post(`/${lang}/join`, form)
}

function pinError(res: PageResponse): string {
  return text(res.dom.querySelector('#pin-error'))
}

describe('managing access', () => {
  let t: TestApp
  const u: Record<string, AppUser> = {}
  let acme: string
  let other: string

  before(async () => {
    t = await testApp()
    for (const name of ['owner', 'owner2', 'robert', 'sec2', 'sec3', 'sec4', 'guesser', 'branchboss', 'branchboss2', 'branchsec', 'late', 'twice', 'reissued', 'locked', 'tprimary', 'tsec']) {
      u[name] = await createUser(t.db, { username: name, givenName: name, familyName: 'Test' })
    }
    acme = await business(t, 'Acme Érable Ltée', u.owner!)
    other = await business(t, 'Other Corp', u.owner2!)
  })
  after(() => t.close())

  it('creates a secondary user: required fields and attestation, errors linked to fields, in French too', async () => {
    const c = await signedIn(t, 'owner')
    const form = await c.get('/fr/access/users/new')
    assert.equal(form.status, 200)
    assert.match(form.body, /Prénom\(s\)/)
    assert.match(form.body, /Nom de famille/)
    assert.match(form.body, /Adresse courriel/)
    assert.match(form.body, /Créer le compte/)
    assert.match(form.body, /Retourner à la page précédente/)
    assert.match(form.body, /Acme Érable Ltée/)
    const bad = await c.post('/fr/access/users/new', { givenNames: '', familyName: ' ', email: 'not-an-address' })
    assert.equal(bad.status, 400)
    const links = errorSummaryLinks(bad.dom)
    assert.deepEqual(links.map((l) => l.href), ['#given-names', '#family-name', '#email', '#attest'])
    assert.ok(links.every((l) => l.targetExists))
    assert.match(bad.dom.querySelector('title')!.text, /^Erreur/)
    assert.equal(bad.dom.querySelector('#email')!.getAttribute('value'), 'not-an-address')

    const created = await c.post('/fr/access/users/new', { givenNames: 'Amélie', familyName: 'Côté', email: '', attest: 'yes' })
    const page = await c.follow(created)
    assert.equal(text(page.dom.querySelector('main h1')), 'Utilisateur créé')
    const pin = text(page.dom.querySelector('#pin'))
    assert.match(pin, /^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{2}$/)
    assert.ok(page.dom.querySelector(`a[href="/fr/access?business=${acme}"]`), 'Continue goes to Manage access')
  })

  it('enrols with the PIN (names compared without case, accents or extra spaces), once; the table then shows the user Active', async () => {
    const owner = await signedIn(t, 'owner')
    const { pin } = await createSecondary(owner, { givenNames: 'Jean-François', familyName: 'Bélanger', email: 'jf@example.ca' })
    // The e-mail carries the PIN; the audit trail and the logs never do.
    const outbox = await t.db.selectFrom('email_outbox').select(['to_address', 'template']).where('to_address', '=', 'jf@example.ca').execute()
    assert.deepEqual(outbox.map((o) => o.template), ['accessPin'])
    const emailed = async () => (await t.db.selectFrom('email_outbox').select('params').where('to_address', '=', 'jf@example.ca').executeTakeFirstOrThrow()).params as Record<string, unknown>
    assert.equal(emailed.length, 0)
    assert.equal((await emailed()).pin, pin, 'the e-mail carries the PIN while it is unused')

    const table1 = await owner.get('/en/access')
    assert.ok(table1.body.includes(pin), 'the PIN is visible in the table while unused')
    assert.match(table1.body, /PIN issued/)

    const person = await signedIn(t, 'sec2')
    const res = await join(person, { givenNames: '  jean-francois ', familyName: 'BELANGER', pin: pin.toLowerCase().replace(/-/g, ' ') })
    assert.equal(res.status, 303, pinError(res))
    const again = await join(await signedIn(t, 'sec3'), { givenNames: 'Jean-François', familyName: 'Bélanger', pin })
    assert.equal(again.status, 400, 'a PIN works once')
    assert.match(pinError(again), /not valid/)

    const table = await owner.get('/en/access')
    const row = table.dom.querySelectorAll('#access-table tbody tr').find((r) => text(r).includes('sec2@example.ca') && text(r).includes('Active'))
    assert.ok(row, 'the user is Active')
    assert.match(text(row), /Secondary user/)
    assert.ok(!table.body.includes(pin), 'the PIN is masked once used')
    const membership = await t.db.selectFrom('business_membership').selectAll().where('user_id', '=', u.sec2!.id).executeTakeFirstOrThrow()
    assert.equal(membership.role, 'secondary')
    assert.equal(membership.business_id, acme)
    const stored = await t.db.selectFrom('access_pin').selectAll().where('used_by', '=', u.sec2!.id).executeTakeFirstOrThrow()
    assert.equal(stored.pin_sealed, null, 'no readable copy once used')
    assert.notEqual((await emailed()).pin, pin, 'nor in the outbox')
    assert.equal(stored.status, 'used')
    // The primary user is told.
    const message = await t.db.selectFrom('account_message').select(['template', 'user_id']).where('template', '=', 'accessJoined').executeTakeFirstOrThrow()
    assert.equal(message.user_id, u.owner!.id)

    // Nothing that was typed as a PIN reaches the audit trail or the logs.
    const audits = await t.db.selectFrom('audit_event').select(['action', 'details', 'business_id']).execute()
    for (const action of ['access.pin_issued', 'access.pin_used']) assert.ok(audits.some((a) => a.action === action && a.business_id === acme), action)
    const bare = pin.replace(/-/g, '')
    for (const a of audits) assert.ok(!JSON.stringify(a.details).toUpperCase().includes(bare), 'no PIN in audit details')
    assert.ok(!t.logs.join('').toUpperCase().includes(bare), 'no PIN in the logs')
    assert.ok(!t.logs.join('').includes(pin), 'no PIN in the logs')
  })

  it('a person who registered without a name joins: Manage access names them as the primary user wrote, home says whom they act for and still offers to join another', async () => {
    // Registering asks for no name (createUser's default here too); joining gives the profile the names the primary user wrote for the PIN (the typed ones matched them, case and accents aside).
    const joiner = await createUser(t.db, { username: 'nameless', lang: 'fr' })
    const owner = await signedIn(t, 'owner')
    const { pin } = await createSecondary(owner, { givenNames: 'José Luis', familyName: "D'Arcy-Lefèvre" })
    const person = await signedIn(t, 'nameless')
    const res = await join(person, { givenNames: '  José   Luis ', familyName: 'd’arcy-lefevre', pin }, 'fr')
    assert.equal(res.status, 303, pinError(res))
    const home = await person.follow(res)
    assert.match(text(home.dom.querySelector('.notice-success')), /Vous pouvez maintenant agir pour Acme Érable Ltée/)
    assert.match(text(home.dom.querySelector('h1')), /José Luis D'Arcy-Lefèvre/, 'the profile has the names as the primary user wrote them, not as typed')
    assert.ok(home.dom.querySelector('a[href="/fr/join"]'), 'a representative may join another business from home')

    const table = await owner.get('/en/access')
    const row = table.dom.querySelectorAll('#access-table tbody tr').find((r) => text(r).includes('nameless@example.ca'))
    assert.ok(row, 'listed')
    assert.match(text(row), /José Luis/)
    assert.match(text(row), /D'Arcy-Lefèvre/)
    const saved = await t.db.selectFrom('app_user').select(['given_name', 'family_name']).where('id', '=', joiner.id).executeTakeFirstOrThrow()
    assert.deepEqual(saved, { given_name: 'José Luis', family_name: "D'Arcy-Lefèvre" })

    // A profile that has names keeps them, whatever names the PIN was joined with.
    const withNames = await createUser(t.db, { username: 'named', givenName: 'Seb', familyName: 'Own' })
    const { pin: pin2 } = await createSecondary(owner, { givenNames: 'Sébastien', familyName: 'Ownname' })
    const named = await join(await signedIn(t, 'named'), { givenNames: 'Sebastien', familyName: 'Ownname', pin: pin2 })
    assert.equal(named.status, 303, pinError(named))
    const kept = await t.db.selectFrom('app_user').select(['given_name', 'family_name']).where('id', '=', withNames.id).executeTakeFirstOrThrow()
    assert.deepEqual(kept, { given_name: 'Seb', family_name: 'Own' })
  })

  it('refuses "Bob" for "Robert", says which name did not match, and gives one answer for an unknown PIN and a wrong one', async () => {
    const owner = await signedIn(t, 'owner')
    const { pin } = await createSecondary(owner, { givenNames: 'Robert', familyName: 'Smith' })
    const person = await signedIn(t, 'robert')
    const bob = await join(person, { givenNames: 'Bob', familyName: 'Smith', pin })
    assert.equal(bob.status, 400)
    assert.deepEqual(errorSummaryLinks(bob.dom).map((l) => l.href), ['#given-names'])
    assert.match(text(bob.dom.querySelector('#given-names-error')), /do not match/)
    assert.ok(!bob.dom.querySelector('#pin')!.getAttribute('value'), 'the PIN is never echoed back')
    assert.ok(!bob.body.includes(pin), 'the PIN is never echoed back')

    // A guesser: an unknown PIN, a used PIN, a revoked PIN all read the same.
    const guesser = await signedIn(t, 'guesser')
    const unknown = await join(guesser, { givenNames: 'Robert', familyName: 'Smith', pin: 'ZZZZ-ZZZZ-ZZ' })
    const otherWrong = await join(guesser, { givenNames: 'Robert', familyName: 'Smith', pin: pin.slice(0, -1) + (pin.endsWith('A') ? 'B' : 'A') })
    assert.equal(unknown.status, otherWrong.status)
    assert.equal(pinError(unknown), pinError(otherWrong))
    assert.deepEqual(errorSummaryLinks(unknown.dom), errorSummaryLinks(otherWrong.dom))

    const ok = await join(person, { givenNames: 'robert', familyName: 'smith', pin })
    assert.equal(ok.status, 303)
  })

  it('locks a PIN after 5 wrong attempts, and throttles the person', async () => {
    const owner = await signedIn(t, 'owner')
    const { pin, id } = await createSecondary(owner, { givenNames: 'Lucie', familyName: 'Roy' })
    const person = await signedIn(t, 'locked')
    for (let i = 1; i <= 4; i++) {
      const r = await join(person, { givenNames: 'Lucie', familyName: `Wrong${'x'.repeat(i)}`, pin })
      assert.equal(r.status, 400)
      assert.match(text(r.dom.querySelector('#family-name-error')), /does not match/)
    }
    const fifth = await join(person, { givenNames: 'Lucie', familyName: 'Nope', pin })
    assert.match(pinError(fifth), /locked/)
    const row = await t.db.selectFrom('access_pin').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    assert.equal(row.status, 'locked')
    assert.equal(row.pin_sealed, null)
    // Even the right names no longer work; and the person is now made to wait.
    const right = await join(person, { givenNames: 'Lucie', familyName: 'Roy', pin })
    assert.ok(right.status === 429 || /not valid/.test(pinError(right)), `${right.status} ${pinError(right)}`)
    const waited = await join(person, { givenNames: 'Lucie', familyName: 'Roy', pin })
    assert.equal(waited.status, 429)
    assert.match(pinError(waited), /Too many attempts/)
    // The wait in words, in the plural form it needs (never « minute(s) »).
    assert.match(pinError(waited), /Try again in (1 minute|([2-9]|\d\d+) minutes)\.$/)
    const waitedFr = await join(person, { givenNames: 'Lucie', familyName: 'Roy', pin }, 'fr')
    assert.match(pinError(waitedFr), /Réessayez dans (1 minute|([2-9]|\d\d+) minutes)\.$/)
    const table = await owner.get('/en/access')
    assert.ok(table.dom.querySelectorAll('#access-table tbody tr').some((r) => text(r).includes('Lucie') && text(r).includes('Locked')))
    const audit = await t.db.selectFrom('audit_event').select('action').where('action', '=', 'access.pin_locked').execute()
    assert.equal(audit.length, 1)
  })

  it('expires a PIN after 30 days (test clock), and re-issuing stops the old PIN', async () => {
    const owner = await signedIn(t, 'owner')
    const { pin: oldPin, id } = await createSecondary(owner, { givenNames: 'Marc', familyName: 'Tardif' })
    t.clock.advance(30 * 24 * 60 * 60_000 + 1000)
    const owner2 = await signedIn(t, 'owner')
    const person = await signedIn(t, 'late')
    const expired = await join(person, { givenNames: 'Marc', familyName: 'Tardif', pin: oldPin })
    assert.match(pinError(expired), /not valid/)
    const table = await owner2.get('/en/access')
    assert.ok(table.dom.querySelectorAll('#access-table tbody tr').some((r) => text(r).includes('Tardif') && text(r).includes('PIN expired')))
    assert.equal((await t.db.selectFrom('access_pin').select('pin_sealed').where('id', '=', id).executeTakeFirstOrThrow()).pin_sealed, null)

    await owner2.get(`/en/access/pins/${id}/reissue`)
    const reissued = await owner2.follow(await owner2.post(`/en/access/pins/${id}/reissue`, {}))
    const newPin = text(reissued.dom.querySelector('#pin'))
    assert.notEqual(newPin, oldPin)
    const old = await join(person, { givenNames: 'Marc', familyName: 'Tardif', pin: oldPin })
    assert.match(pinError(old), /not valid/)
    const fresh = await join(person, { givenNames: 'Marc', familyName: 'Tardif', pin: newPin })
    assert.equal(fresh.status, 303)
  })

  it('re-issue before use: the old PIN stops working at once; revoke ends a PIN', async () => {
    const owner = await signedIn(t, 'owner')
    const { pin: first, id } = await createSecondary(owner, { givenNames: 'Nadia', familyName: 'Hamel', email: 'nadia@example.ca' })
    await owner.get(`/en/access/pins/${id}/reissue`)
    const second = text((await owner.follow(await owner.post(`/en/access/pins/${id}/reissue`, {}))).dom.querySelector('#pin'))
    // The new PIN is e-mailed too; the old e-mail no longer holds the old PIN.
    const mails = await t.db.selectFrom('email_outbox').select('params').where('to_address', '=', 'nadia@example.ca').orderBy('created_at').orderBy('id').execute()
    const sent = mails.map((m) => (m.params as Record<string, unknown>).pin)
    assert.equal(sent.length, 2)
    assert.ok(sent.includes(second))
    assert.ok(!sent.includes(first))
    const person = await signedIn(t, 'reissued')
    assert.match(pinError(await join(person, { givenNames: 'Nadia', familyName: 'Hamel', pin: first })), /not valid/)
    const { pin: third, id: id3 } = await createSecondary(owner, { givenNames: 'Other', familyName: 'Person' })
    await owner.get(`/en/access/pins/${id3}/revoke`)
    assert.equal((await owner.post(`/en/access/pins/${id3}/revoke`, {})).status, 303)
    assert.match(pinError(await join(person, { givenNames: 'Other', familyName: 'Person', pin: third })), /not valid/)
    assert.equal((await join(person, { givenNames: 'Nadia', familyName: 'Hamel', pin: second })).status, 303)
  })

  it('authorization: a secondary user gets 403; another business’s primary user gets 404 for our objects', async () => {
    const secondary = await signedIn(t, 'sec2')
    assert.equal((await secondary.get('/en/access')).status, 403)
    // The refusals say why and lead back home.
    for (const [path, title] of [['/fr/access', 'Vous ne pouvez pas gérer les accès'], ['/fr/access/audit', 'Vous ne pouvez pas consulter ce journal d’audit'], ['/en/access/audit', 'You cannot read this audit trail']] as const) {
      const refused = await secondary.get(path)
      assert.equal(refused.status, 403, path)
      assert.equal(text(refused.dom.querySelector('main h1')), title)
      const home = refused.dom.querySelector(`main a[href="/${path.slice(1, 3)}/home"]`)
      assert.equal(text(home), path.startsWith('/fr') ? 'Retourner à la page d’accueil' : 'Return to the home page', path)
    }
    assert.equal((await secondary.get('/en/access/users/new')).status, 403)
    await secondary.get('/en/home')
    assert.equal((await secondary.post('/en/access/users/new', { givenNames: 'X', familyName: 'Y', email: '', attest: 'yes' })).status, 403)
    assert.equal((await secondary.get('/en/access/branches/new')).status, 403)

    const owner = await signedIn(t, 'owner')
    const { id } = await createSecondary(owner, { givenNames: 'Paul', familyName: 'Gagnon' })
    const sec2Membership = await t.db.selectFrom('business_membership').select('id').where('user_id', '=', u.sec2!.id).executeTakeFirstOrThrow()
    assert.equal((await secondary.get(`/en/access/pins/${id}/created`)).status, 403)
    assert.equal((await secondary.get(`/en/access/members/${sec2Membership.id}/delete`)).status, 403)

    const stranger = await signedIn(t, 'owner2')
    assert.equal((await stranger.get(`/en/access/pins/${id}/created`)).status, 404)
    assert.equal((await stranger.get(`/en/access/pins/${id}/reissue`)).status, 404)
    await stranger.get('/en/access')
    assert.equal((await stranger.post(`/en/access/pins/${id}/revoke`, {})).status, 404)
    assert.equal((await stranger.post(`/en/access/members/${sec2Membership.id}/delete`, {})).status, 404)
    assert.equal((await stranger.get(`/en/access?business=${acme}`)).status, 404)
    assert.equal((await stranger.get('/en/access/pins/not-a-uuid/created')).status, 404)
    const own = await stranger.get('/en/access')
    assert.equal(own.status, 200)
    assert.match(own.body, /Other Corp/)
    assert.ok(!own.body.includes('Gagnon'))
    void other
  })

  it('home page: the access tasks are shown only to those allowed; a person without a business is offered to join with a PIN', async () => {
    const owner = await signedIn(t, 'owner')
    const home = await owner.get('/en/home')
    assert.ok(home.dom.querySelector(`a[href="/en/access?business=${acme}"]`), 'Manage access')
    assert.ok(home.dom.querySelector(`a[href="/en/access/users/new?business=${acme}"]`), 'Create a secondary user for this account')
    assert.ok(home.dom.querySelector(`a[href="/en/access/branches/new?business=${acme}"]`), 'Create a branch')
    const secondary = await signedIn(t, 'sec2')
    const secHome = await secondary.get('/fr/home')
    assert.equal(secHome.dom.querySelectorAll('a[href^="/fr/access"]').length, 0)
    const nobody = await signedIn(t, 'guesser')
    const join = await nobody.get('/fr/home')
    assert.ok(join.dom.querySelector('a[href="/fr/join"]'))
    assert.match(join.body, /Se joindre à une entreprise avec un NIP/)
  })

  it('deleting a user ends their access to the business at once and keeps the users they created', async () => {
    const owner = await signedIn(t, 'owner')
    const { pin } = await createSecondary(owner, { givenNames: 'Twice', familyName: 'Test' })
    const person = await signedIn(t, 'twice')
    assert.equal((await join(person, { givenNames: 'twice', familyName: 'test', pin })).status, 303)
    const m = await t.db.selectFrom('business_membership').select('id').where('user_id', '=', u.twice!.id).where('status', '=', 'active').executeTakeFirstOrThrow()

    const confirm = await owner.get(`/en/access/members/${m.id}/delete`)
    assert.equal(confirm.status, 200)
    assert.match(confirm.body, /Remove access/)
    assert.equal((await owner.post(`/en/access/members/${m.id}/delete`, {})).status, 303)
    // Their next request for the business is refused.
    const home = await person.get('/en/home')
    assert.ok(!home.body.includes('Acme Érable Ltée'), 'the business is gone from their home page')
    assert.equal((await person.get(`/en/access?business=${acme}`)).status, 404)
    const row = await t.db.selectFrom('business_membership').selectAll().where('id', '=', m.id).executeTakeFirstOrThrow()
    assert.equal(row.status, 'removed')
    assert.equal((await t.db.selectFrom('audit_event').select('object_id').where('action', '=', 'access.member_deleted').where('object_id', '=', m.id).execute()).length, 1)
    const table = await owner.get('/en/access')
    assert.ok(table.dom.querySelectorAll('#access-table tbody tr').some((r) => text(r).includes('twice') && text(r).includes('Access removed')))
    // The primary cannot be deleted (the business would be left without one).
    const primary = await t.db.selectFrom('business_membership').select('id').where('user_id', '=', u.owner!.id).executeTakeFirstOrThrow()
    assert.equal((await owner.get(`/en/access/members/${primary.id}/delete`)).status, 409)
  })

  it('branches: the first user of a branch becomes its branch primary user and manages that branch only', async () => {
    const owner = await signedIn(t, 'owner')
    const created = async (name: string, first: string) => {
      await owner.get('/en/access/branches/new')
      const bad = await owner.post('/en/access/branches/new', { name: '', street: '', city: '', province: '', postalCode: 'xx', givenNames: '', familyName: '', email: '' })
      assert.equal(bad.status, 400)
      assert.equal(errorSummaryLinks(bad.dom)[0]!.href, '#name')
      const res = await owner.post('/en/access/branches/new', { name, street: '2 Rue Principale', city: 'Québec', province: 'QC', postalCode: 'g1r 4p5', givenNames: first, familyName: 'Boss', email: '' })
      assert.equal(res.status, 303)
      const page = await owner.follow(res)
      assert.match(page.body, /branch primary user/)
      assert.match(text(page.dom.querySelector('main')), new RegExp(`The ${name} branch is created\\. Give its first user, ${first} Boss, this PIN`))
      return text(page.dom.querySelector('#pin'))
    }
    const pinA = await created('Québec', 'Alpha')
    const pinB = await created('Montréal', 'Beta')
    const bossA = await signedIn(t, 'branchboss')
    assert.equal((await join(bossA, { givenNames: 'Alpha', familyName: 'Boss', pin: pinA })).status, 303)
    const bossB = await signedIn(t, 'branchboss2')
    assert.equal((await join(bossB, { givenNames: 'Beta', familyName: 'Boss', pin: pinB })).status, 303)
    const mA = await t.db.selectFrom('business_membership').selectAll().where('user_id', '=', u.branchboss!.id).executeTakeFirstOrThrow()
    assert.equal(mA.role, 'branch_primary')
    assert.ok(mA.branch_id)

    // Branch A's primary creates a secondary user for branch A; the PIN's page names the branch.
    const { pin, id, page: helperPage } = await createSecondary(bossA, { givenNames: 'Branch', familyName: 'Helper' })
    assert.match(text(helperPage.dom.querySelector('main')), /This PIN gives access to the Québec branch only\./)
    const helperFr = await bossA.get(`/fr/access/pins/${id}/created`)
    assert.match(text(helperFr.dom.querySelector('main')), /Ce NIP donne accès à la succursale Québec seulement\./)
    assert.equal((await t.db.selectFrom('access_pin').select('branch_id').where('id', '=', id).executeTakeFirstOrThrow()).branch_id, mA.branch_id)
    assert.equal((await bossA.get('/en/access/branches/new')).status, 403, 'only the primary user creates branches')
    const sec = await signedIn(t, 'branchsec')
    assert.equal((await join(sec, { givenNames: 'Branch', familyName: 'Helper', pin })).status, 303)
    const secM = await t.db.selectFrom('business_membership').selectAll().where('user_id', '=', u.branchsec!.id).executeTakeFirstOrThrow()
    assert.equal(secM.role, 'secondary')
    assert.equal(secM.branch_id, mA.branch_id)

    // The primary user may add a user to a branch directly; a branch id from elsewhere is refused.
    await owner.get('/en/access/users/new')
    const wrongBranch = await owner.post('/en/access/users/new', { givenNames: 'Para', familyName: 'Chute', email: '', branch: '00000000-0000-4000-8000-000000000000', attest: 'yes' })
    assert.equal(wrongBranch.status, 400)
    assert.deepEqual(errorSummaryLinks(wrongBranch.dom).map((l) => [l.href, l.targetExists]), [['#branch', true]])
    const direct = await owner.post('/en/access/users/new', { givenNames: 'Para', familyName: 'Chute', email: '', branch: mA.branch_id!, attest: 'yes' })
    assert.equal(direct.status, 303)
    const tableA = await bossA.get('/en/access')
    assert.ok(tableA.body.includes('Chute'), 'branch A’s primary user sees the user added to branch A')

    // Branch B's primary sees only branch B and cannot touch branch A's users or PINs.
    const tableB = await bossB.get('/en/access')
    assert.equal(tableB.status, 200)
    assert.ok(!tableB.body.includes('Helper'))
    assert.ok(!tableB.body.includes('Chute'))
    assert.equal((await bossB.get(`/en/access/members/${secM.id}/delete`)).status, 404)
    await bossB.get('/en/access')
    assert.equal((await bossB.post(`/en/access/members/${secM.id}/delete`, {})).status, 404)
    assert.equal((await bossB.get(`/en/access/pins/${id}/reissue`)).status, 404)
    // Nor the business-level users.
    const sec2 = await t.db.selectFrom('business_membership').select('id').where('user_id', '=', u.sec2!.id).executeTakeFirstOrThrow()
    assert.equal((await bossB.get(`/en/access/members/${sec2.id}/delete`)).status, 404)
    // Branch A's primary can delete their own branch's user; the owner sees every branch.
    const { pin: pin2 } = await createSecondary(bossA, { givenNames: 'Second', familyName: 'Helper' })
    const sec2Client = await signedIn(t, 'sec4')
    assert.equal((await join(sec2Client, { givenNames: 'Second', familyName: 'Helper', pin: pin2 })).status, 303)
    await bossA.get(`/en/access/members/${secM.id}/delete`)
    assert.equal((await bossA.post(`/en/access/members/${secM.id}/delete`, {})).status, 303)
    const all = await owner.get('/en/access')
    assert.match(all.body, /Branch primary user/)
    assert.match(all.body, /Québec/)
    // Deleting the branch primary keeps the users they created, and ends their managing at once.
    await owner.get(`/en/access/members/${mA.id}/delete`)
    assert.equal((await owner.post(`/en/access/members/${mA.id}/delete`, {})).status, 303)
    const kept = await t.db.selectFrom('business_membership').select(['status', 'created_by']).where('user_id', '=', u.sec4!.id).executeTakeFirstOrThrow()
    assert.deepEqual(kept, { status: 'active', created_by: u.branchboss!.id })
    assert.equal((await bossA.get('/en/access')).status, 403)
    assert.equal((await bossA.get(`/en/access?business=${acme}`)).status, 404)
  })
  it('a branch’s PIN e-mail names the branch, in both languages', async () => {
    const owner = await signedIn(t, 'owner')
    await owner.get('/fr/access/branches/new')
    const res = await owner.post('/fr/access/branches/new', { name: 'Laval', street: '3 boul. Chomedey', city: 'Laval', province: 'QC', postalCode: 'H7V 1A1', givenNames: 'Inès', familyName: 'Ouellet', email: 'ines@example.ca' })
    assert.equal(res.status, 303)
    const mail = await t.db.selectFrom('email_outbox').select(['template', 'params']).where('to_address', '=', 'ines@example.ca').executeTakeFirstOrThrow()
    assert.equal(mail.template, 'accessPin')
    const fr = renderMessage(mail.template, 'fr', mail.params as NotificationParams)
    assert.equal(fr.subject, 'Votre NIP pour vous joindre à la succursale Laval d’Acme Érable Ltée dans le Portail des employeurs')
    assert.match(fr.body, /vous invite à agir pour la succursale Laval d’Acme Érable Ltée/)
    const en = renderMessage(mail.template, 'en', mail.params as NotificationParams)
    assert.match(en.body, /invited you to act for the Laval branch of Acme Érable Ltée in the Employer Portal/)
    // A PIN for the whole business names the business alone.
    await createSecondary(owner, { givenNames: 'Whole', familyName: 'Business', email: 'whole@example.ca' })
    const whole = await t.db.selectFrom('email_outbox').select(['template', 'params']).where('to_address', '=', 'whole@example.ca').executeTakeFirstOrThrow()
    assert.equal(renderMessage(whole.template, 'en', whole.params as NotificationParams).subject, 'Your PIN to join Acme Érable Ltée in the Employer Portal')
  })

  it('transfers the primary role to another active user after confirmation: both told, audited, one primary always', async () => {
    const biz = await business(t, 'Transfer Co', u.tprimary!)
    await t.db.insertInto('business_membership').values({ business_id: biz, user_id: u.tsec!.id, role: 'secondary', created_at: t.clock.now(), created_by: u.tprimary!.id }).execute()
    const tsecM = await t.db.selectFrom('business_membership').select('id').where('user_id', '=', u.tsec!.id).executeTakeFirstOrThrow()
    const secondary = await signedIn(t, 'tsec')
    assert.equal((await secondary.get('/en/access/transfer')).status, 403)
    const stranger = await signedIn(t, 'owner2')
    assert.equal((await stranger.get(`/en/access/transfer/${tsecM.id}`)).status, 404)

    const primary = await signedIn(t, 'tprimary')
    const form = await primary.get('/fr/access/transfer')
    assert.equal(form.status, 200)
    const none = await primary.post('/fr/access/transfer', {})
    assert.equal(none.status, 400)
    assert.deepEqual(errorSummaryLinks(none.dom).map((l) => [l.href, l.targetExists]), [['#to', true]])
    const chosen = await primary.post('/fr/access/transfer', { to: tsecM.id })
    assert.equal(chosen.location, `/fr/access/transfer/${tsecM.id}`)
    const confirm = await primary.follow(chosen)
    assert.match(confirm.body, /Confirmer le transfert/)
    // Nothing changes before the confirmation.
    assert.equal((await t.db.selectFrom('business_membership').select('role').where('id', '=', tsecM.id).executeTakeFirstOrThrow()).role, 'secondary')
    assert.equal((await primary.post(`/fr/access/transfer/${tsecM.id}`, {})).status, 303)

    const roles = await t.db.selectFrom('business_membership').select(['user_id', 'role']).where('business_id', '=', biz).where('status', '=', 'active').execute()
    assert.deepEqual(roles.filter((r) => r.role === 'primary').map((r) => r.user_id), [u.tsec!.id])
    assert.equal(roles.find((r) => r.user_id === u.tprimary!.id)!.role, 'secondary')
    assert.equal((await primary.get(`/en/access?business=${biz}`)).status, 403, 'the former primary no longer manages access')
    assert.equal((await secondary.get(`/en/access?business=${biz}`)).status, 200)
    const told = await t.db.selectFrom('account_message').select('user_id').where('template', '=', 'accessPrimaryTransferred').execute()
    assert.deepEqual(told.map((m) => m.user_id).sort(), [u.tprimary!.id, u.tsec!.id].sort())
    assert.equal((await t.db.selectFrom('audit_event').select('action').where('action', '=', 'access.primary_transferred').execute()).length, 1)
    // A second press changes nothing (the former primary may not act any more).
    assert.equal((await primary.post(`/fr/access/transfer/${tsecM.id}`, {})).status, 403)
  })
})
