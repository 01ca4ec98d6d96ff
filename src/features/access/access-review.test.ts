import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { TestClient, text, type PageResponse } from '../../../tests/helpers/http.ts'
import { businessWithPrimary, startOffer } from '../../../tests/helpers/offers.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser } from '../../../tests/helpers/users.ts'

/** What a reviewer found on Manage access, switching businesses, the home page and the business's audit trail. */
describe('access: switching, notices, PIN states, transfers, audit objects, removed users', () => {
  let t: TestApp
  let alpha: { userId: string; businessId: string }
  let beta: { userId: string; businessId: string }
  let joseId: string

  const client = async (userId: string) => {
    const c = new TestClient(t.app)
    await signInAs(c, userId)
    return c
  }
  const headerChoice = (page: PageResponse) => text(page.dom.querySelector('#header-business option[selected]'))
  const switchTo = async (c: TestClient, businessId: string, returnTo: string) => {
    await c.get('/en/business/active')
    return c.post('/en/business/active', { business: businessId, returnTo })
  }
  const createPin = async (c: TestClient, givenNames: string, familyName: string, lang = 'en') => {
    await c.get(`/${lang}/access/users/new`)
    const res = await c.post(`/${lang}/access/users/new`, { givenNames, familyName, email: '', attest: 'yes' })
    assert.equal(res.status, 303)
    return /\/access\/pins\/([0-9a-f-]+)\/created$/.exec(res.location ?? '')![1]!
  }
  const join = async (c: TestClient, form: { givenNames: string; familyName: string; pin: string }) => {
    await c.get('/en/join')
    return c.post('/en/join', form)
  }

  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    alpha = await businessWithPrimary(t, 'alpha.owner', '100000009', 'Alpha Boulangerie Inc.')
    beta = await businessWithPrimary(t, 'beta.owner', '200000008', 'Beta Conseil Ltée')
    joseId = (await createUser(t.db, { username: 'jose.rep', givenName: 'José', familyName: 'Rep' })).id
    const now = t.clock.now()
    for (const b of [alpha, beta]) await t.db.insertInto('business_membership').values({ business_id: b.businessId, user_id: joseId, role: 'secondary', created_at: now, created_by: b.userId }).execute()
  })
  after(() => t.close())

  it('a switch from an offer of A goes to B’s offers, not to A’s offer under B; offer pages name their business in the header', async () => {
    const jose = await client(joseId)
    await switchTo(jose, alpha.businessId, '/en/home')
    const offerId = await startOffer(jose)
    const page = await jose.get(`/en/offers/${offerId}/exemption`)
    assert.equal(headerChoice(page), 'Alpha Boulangerie Inc.')

    const toBeta = await switchTo(jose, beta.businessId, `/en/offers/${offerId}/exemption`)
    assert.equal(toBeta.location, '/en/offers', 'the same kind of list, of the new business')
    assert.equal(headerChoice(await jose.follow(toBeta)), 'Beta Conseil Ltée')
    // A page that is no object of a business (the queue, the home page) is the same page for the new business.
    assert.equal((await switchTo(jose, alpha.businessId, '/en/offers?status=draft')).location, '/en/offers?status=draft')
    // Back to the offer's own business: the same offer.
    await switchTo(jose, beta.businessId, '/en/home')
    assert.equal((await switchTo(jose, alpha.businessId, `/en/offers/${offerId}/job`)).location, `/en/offers/${offerId}/job`)
    // Manage access of a business they do not manage: its home page rather than a refusal.
    assert.equal((await switchTo(jose, beta.businessId, '/en/access')).location, '/en/home')

    // Acting for B, A's offer opened in another tab (or from a message) says in the header it is A's.
    const other = await jose.get(`/en/offers/${offerId}/exemption`)
    assert.equal(other.status, 200)
    assert.equal(headerChoice(other), 'Alpha Boulangerie Inc.')
    assert.equal(headerChoice(await jose.get('/en/offers')), 'Beta Conseil Ltée', 'the header’s own choice is unchanged')
  })

  it('the home page of someone in several businesses names each one, and says which one its tasks act for', async () => {
    const jose = await client(joseId)
    await switchTo(jose, beta.businessId, '/en/home')
    const home = await jose.get('/en/home')
    const headings = home.dom.querySelectorAll('main h2').map((h) => text(h))
    assert.ok(headings.includes('Business details: Alpha Boulangerie Inc.'), headings.join(' | '))
    assert.ok(headings.includes('Business details: Beta Conseil Ltée'))
    assert.ok(headings.includes('What would you like to do today for Beta Conseil Ltée?'))
    assert.ok(home.dom.querySelector('main a[href="/en/business/active"]'))
    const fr = await jose.get('/fr/home')
    assert.ok(fr.dom.querySelectorAll('main h2').some((h) => text(h) === 'Renseignements sur l’entreprise : Alpha Boulangerie Inc.'))
    assert.ok(fr.dom.querySelectorAll('main h2').some((h) => text(h) === 'Que voulez-vous faire aujourd’hui pour Beta Conseil Ltée?'))
    // One business: the words of the original.
    const owner = await client(alpha.userId)
    const single = (await owner.get('/en/home')).dom.querySelectorAll('main h2').map((h) => text(h))
    assert.ok(single.includes('Business details') && single.includes('What would you like to do today?'), single.join(' | '))
  })

  it('re-issue says a new PIN was issued; revoke and delete say what was done; a revoked PIN reads Revoked and is not issued again', async () => {
    const owner = await client(alpha.userId)
    const id = await createPin(owner, 'Ahmed', 'Ali')
    await owner.get(`/en/access/pins/${id}/reissue`)
    const reissued = await owner.follow(await owner.post(`/en/access/pins/${id}/reissue`, {}))
    assert.equal(text(reissued.dom.querySelector('main h1')), 'New PIN issued')
    assert.match(text(reissued.dom.querySelector('main')), /A new PIN was issued for Ahmed Ali; the old one no longer works/)
    assert.doesNotMatch(reissued.body, /is created/)
    const reissuedFr = await owner.get(`/fr/access/pins/${id}/created`)
    assert.match(text(reissuedFr.dom.querySelector('main')), /Un nouveau NIP a été émis pour Ahmed Ali/)

    await owner.get(`/en/access/pins/${id}/revoke`)
    const revoked = await owner.post(`/en/access/pins/${id}/revoke`, {})
    assert.equal(revoked.status, 303)
    const table = await owner.follow(revoked)
    assert.equal(text(table.dom.querySelector('.notice-success .notice-title')), 'The PIN for Ahmed Ali was revoked.')
    const row = table.dom.querySelectorAll('#access-table tbody tr').find((r) => text(r).includes('Ahmed'))!
    assert.equal(text(row.querySelector('[data-status]')), 'Revoked')
    assert.equal(row.querySelectorAll('a').length, 0, 'no action on a revoked PIN')
    assert.match(text((await owner.get(`/fr/access?revoked=${id}`)).dom.querySelector('.notice-success')), /Le NIP créé pour Ahmed Ali a été révoqué/)
    assert.ok(text((await owner.get('/fr/access')).dom.querySelector('#access-table')).includes('Révoqué'))
    // Its page says what it shows, and it is not issued again (by URL either): revoking is final, the user is created again.
    const shown = await owner.get(`/en/access/pins/${id}/created`)
    assert.equal(text(shown.dom.querySelector('main h1')), 'PIN revoked')
    assert.match(text(shown.dom.querySelector('main')), /was revoked: it no longer works and cannot be issued again/)
    assert.equal((await owner.get(`/en/access/pins/${id}/reissue`)).status, 409)
    assert.equal((await owner.post(`/en/access/pins/${id}/reissue`, {})).status, 409)
    assert.equal((await t.db.selectFrom('access_pin').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status, 'revoked')
    // Another business's manager learns nothing from the notice's parameter.
    const stranger = await client(beta.userId)
    assert.equal((await stranger.get(`/en/access?revoked=${id}`)).dom.querySelector('.notice-success'), null)

    // Removing a user's access: Manage access says whose access was removed (their account is kept).
    const pinId = await createPin(owner, 'Léa', 'Tremblay-Roy')
    const pin = text((await owner.get(`/en/access/pins/${pinId}/created`)).dom.querySelector('#pin'))
    const lea = await createUser(t.db, { username: 'lea', givenName: 'Léa', familyName: 'Tremblay-Roy' })
    // Hyphens, apostrophes and spaces alike: "tremblay roy" is "Tremblay-Roy".
    assert.equal((await join(await client(lea.id), { givenNames: 'lea', familyName: 'tremblay roy', pin })).status, 303)
    const m = await t.db.selectFrom('business_membership').select('id').where('user_id', '=', lea.id).executeTakeFirstOrThrow()
    const ask = await owner.get(`/en/access/members/${m.id}/delete`)
    assert.equal(text(ask.dom.querySelector('main h1')), 'Remove access')
    assert.match(text(ask.dom.querySelector('main')), /Léa Tremblay-Roy will no longer be able to act for Alpha Boulangerie Inc\.: their access ends at once.*Their account.*are kept\./)
    assert.ok(ask.dom.querySelectorAll('main button').some((b) => text(b) === 'Remove access'))
    const askFr = await owner.get(`/fr/access/members/${m.id}/delete`)
    assert.equal(text(askFr.dom.querySelector('main h1')), 'Retirer l’accès')
    assert.doesNotMatch(text(askFr.dom.querySelector('main')), /Supprimer le compte|dès sa prochaine page/)
    const deleted = await owner.post(`/en/access/members/${m.id}/delete`, {})
    assert.equal(text((await owner.follow(deleted)).dom.querySelector('.notice-success .notice-title')), 'Léa Tremblay-Roy no longer has access to this business.')
  })

  it('a user removed while on an offer is told they no longer have access (403), not a 404; a stranger still gets 404', async () => {
    const helper = await createUser(t.db, { username: 'helper', givenName: 'Hal', familyName: 'Per' })
    await t.db.insertInto('business_membership').values({ business_id: alpha.businessId, user_id: helper.id, role: 'secondary', created_at: t.clock.now(), created_by: alpha.userId }).execute()
    const h = await client(helper.id)
    const offerId = await startOffer(h)
    const page = await h.get(`/en/offers/${offerId}/exemption`)
    const version = page.dom.querySelector('input[name="version"]')!.getAttribute('value')!
    await t.db.updateTable('business_membership').set({ status: 'removed', removed_at: t.clock.now() }).where('user_id', '=', helper.id).execute()
    const next = await h.post(`/en/offers/${offerId}/exemption`, { version, exemptionCode: 'C10', nav: 'next' })
    assert.equal(next.status, 403)
    assert.equal(text(next.dom.querySelector('main h1')), 'You no longer have access to this business')
    // What the form sent is lost, and the page says so; a page merely opened does not.
    assert.match(text(next.dom.querySelector('main')), /what you sent was not saved/)
    assert.match(text(next.dom.querySelector('main')), /You no longer have access to Alpha Boulangerie Inc\./)
    assert.ok(next.dom.querySelector('main a[href="/en/home"]'), 'a link to their home')
    const fr = await h.get(`/fr/offers/${offerId}`)
    assert.equal(fr.status, 403)
    assert.match(text(fr.dom.querySelector('main')), /Vous n’avez plus accès à Alpha Boulangerie Inc\./)
    assert.match(text(fr.dom.querySelector('main')), /cette page ne peut pas être affichée\./)
    assert.doesNotMatch(text(fr.dom.querySelector('main')), /envoyé|enregistré/)
    assert.doesNotMatch(text((await h.get(`/en/offers/${offerId}`)).dom.querySelector('main')), /sent|saved/)
    const stranger = await client(beta.userId)
    assert.equal((await stranger.get(`/en/offers/${offerId}/exemption`)).status, 404)
  })

  it('transferring the primary role to a branch’s primary user: warned, and the former primary user may lead that branch (and back again)', async () => {
    const owner = await client(alpha.userId)
    await owner.get('/en/access/branches/new')
    const created = await owner.post('/en/access/branches/new', { name: 'Boulangerie Érable Gatineau', street: '1 rue Laurier', city: 'Gatineau', province: 'QC', postalCode: 'J8X 3Y3', givenNames: 'Marie', familyName: 'Roy', email: '' })
    const pin = text((await owner.follow(created)).dom.querySelector('#pin'))
    const marie = await createUser(t.db, { username: 'marie', givenName: 'Marie', familyName: 'Roy' })
    const m = await client(marie.id)
    assert.equal((await join(m, { givenNames: 'Marie', familyName: 'Roy', pin })).status, 303)
    const marieM = await t.db.selectFrom('business_membership').selectAll().where('user_id', '=', marie.id).executeTakeFirstOrThrow()
    const branchId = marieM.branch_id!

    const choose = await owner.get('/en/access/transfer')
    assert.match(text(choose.dom.querySelector('main')), /If you choose the primary user of a branch, that branch no longer has a primary user of its own/)
    assert.match(text(choose.dom.querySelector('main')), /Branch primary user · Boulangerie Érable Gatineau/)
    const confirm = await owner.get(`/en/access/transfer/${marieM.id}`)
    assert.match(text(confirm.dom.querySelector('main h1 + .notice-warning')), /Marie Roy is the primary user of the Boulangerie Érable Gatineau branch/)
    const options = confirm.dom.querySelectorAll('input[name="becomes"]').map((i) => i.getAttribute('value'))
    assert.deepEqual(options, ['secondary', branchId])
    // Only a branch left without its primary user may be chosen.
    const bad = await owner.post(`/en/access/transfer/${marieM.id}`, { becomes: '00000000-0000-4000-8000-000000000000' })
    assert.equal(bad.status, 400)
    const done = await owner.post(`/en/access/transfer/${marieM.id}`, { becomes: branchId })
    assert.equal(done.location, `/en/home?transferred=${alpha.businessId}`)
    const home = await owner.follow(done)
    assert.equal(text(home.dom.querySelector('.notice-success .notice-title')), 'The primary role of Alpha Boulangerie Inc. was transferred to Marie Roy.')
    const roles = async () => Object.fromEntries((await t.db.selectFrom('business_membership').select(['user_id', 'role', 'branch_id']).where('business_id', '=', alpha.businessId).where('status', '=', 'active').execute()).map((r) => [r.user_id, [r.role, r.branch_id]]))
    assert.deepEqual((await roles())[marie.id], ['primary', null])
    assert.deepEqual((await roles())[alpha.userId], ['branch_primary', branchId], 'the branch keeps a primary user')

    // Given back: Marie may lead her branch again, which the former primary user leaves.
    const ownerM = (await t.db.selectFrom('business_membership').select('id').where('user_id', '=', alpha.userId).where('business_id', '=', alpha.businessId).executeTakeFirstOrThrow()).id
    const back = await m.get(`/en/access/transfer/${ownerM}`)
    assert.match(text(back.dom.querySelector('main')), /The primary user of the Boulangerie Érable Gatineau branch/)
    assert.equal((await m.post(`/en/access/transfer/${ownerM}`, { becomes: branchId })).status, 303)
    assert.deepEqual((await roles())[alpha.userId], ['primary', null])
    assert.deepEqual((await roles())[marie.id], ['branch_primary', branchId])

    // Without choosing, the former primary user becomes a secondary user of the whole business and Manage access says the branch has none.
    const confirmFr = await owner.get(`/fr/access/transfer/${marieM.id}`)
    assert.match(text(confirmFr.dom.querySelector('main h1 + .notice-warning')), /Marie Roy est l’utilisateur principal de la succursale Boulangerie Érable Gatineau/)
    assert.equal((await owner.post(`/fr/access/transfer/${marieM.id}`, { becomes: 'secondary' })).status, 303)
    assert.deepEqual((await roles())[alpha.userId], ['secondary', null])
    const access = await m.get('/en/access')
    assert.match(text(access.dom.querySelector('main')), /The Boulangerie Érable Gatineau branch has no primary user of its own/)
  })

  it('the business’s audit trail says on what or on whom each thing was done', async () => {
    const marie = await t.db.selectFrom('app_user').select('id').where('username', '=', 'marie').executeTakeFirstOrThrow()
    const primary = await client(marie.id)
    const trail = await primary.get('/en/access/audit')
    assert.equal(trail.status, 200)
    const rows = trail.dom.querySelectorAll('#business-audit tbody tr').map((r) => r.querySelectorAll('td').map((c) => text(c)))
    const about = (what: string) => rows.filter((r) => r[2] === what).map((r) => r[3])
    assert.ok(about('PIN issued').includes('Ahmed Ali'), JSON.stringify(rows.slice(0, 5)))
    assert.ok(about('PIN revoked').includes('Ahmed Ali'))
    assert.ok(about('User’s access removed').includes('Léa Tremblay-Roy'))
    assert.ok(about('Offer draft started').includes('Draft offer'))
    assert.ok(about('Branch created').includes('Branch Boulangerie Érable Gatineau'))
    assert.ok(about('Primary role transferred').includes('New primary user: Marie Roy'))
    const fr = (await primary.get('/fr/access/audit')).dom.querySelectorAll('#business-audit tbody tr').map((r) => r.querySelectorAll('td').map((c) => text(c)))
    assert.ok(fr.some((r) => r[3] === 'Nouvel utilisateur principal : Marie Roy'))
    assert.ok(fr.some((r) => r[3] === 'Ébauche d’offre'))
  })
})
