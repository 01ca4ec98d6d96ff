import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { TestClient, text } from '../../../tests/helpers/http.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { businessWithPrimary } from '../../../tests/helpers/offers.ts'
import { createUser } from '../../../tests/helpers/users.ts'

describe('the signed-in home page: its person named in good French, the contact form saved', () => {
  let t: TestApp
  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
  })
  after(() => t.close())

  it('writes the heading and the header without « de Étienne » or « que Étienne », in both languages', async () => {
    for (const [username, givenName] of [['etienne', 'Étienne'], ['helene', 'Hélène']] as const) {
      const user = await createUser(t.db, { username, givenName, familyName: 'Gagnon', lang: 'fr' })
      const client = new TestClient(t.app)
      await signInAs(client, user.id)
      const fr = await client.get('/fr/home')
      assert.equal(fr.status, 200)
      assert.equal(text(fr.dom.querySelector('h1')), `Compte du Portail des employeurs : ${givenName} Gagnon`)
      assert.equal(text(fr.dom.querySelector('.account-nav a')), `Session ouverte : ${givenName} Gagnon`)
      assert.doesNotMatch(fr.body, /\b(de|que) [ÉH]/)
      const en = await client.get('/en/home')
      assert.equal(text(en.dom.querySelector('h1')), `${givenName} Gagnon’s Employer Portal account`)
      assert.equal(text(en.dom.querySelector('.account-nav a')), `Signed in as ${givenName} Gagnon`)
    }
  })

  it('says "saved" beside the contact form, right after saving only: not on a refresh or a later visit', async () => {
    const user = await createUser(t.db, { username: 'saves.contact', givenName: 'Ana', familyName: 'Lima' })
    const client = new TestClient(t.app)
    await signInAs(client, user.id)
    const before = await client.get('/en/home')
    assert.equal(before.dom.querySelector('#contact-saved'), null)
    const saved = await client.post('/en/home/contact', { givenName: 'Ana', middleName: '', familyName: 'Lima-Costa', preferredLanguage: 'en' })
    assert.equal(saved.status, 303)
    assert.equal(saved.location, '/en/home#contact', 'back to the form, with nothing in the address to say it again')
    const page = await client.follow(saved)
    const confirmation = page.dom.querySelector('#contact-saved')
    assert.equal(text(confirmation), 'Your contact information was saved.')
    // Beside the form: after the section's heading (where #contact lands), before the form.
    const heading = page.dom.querySelector('#contact')!
    assert.equal(heading.nextElementSibling, confirmation)
    assert.equal(confirmation!.nextElementSibling, page.dom.querySelector('#contact-form'))
    assert.equal(page.dom.querySelectorAll('.notice-success').length, 1, 'nowhere else on the page')
    // Said once.
    assert.equal((await client.get('/en/home')).dom.querySelector('#contact-saved'), null, 'a refresh does not say it again')
    assert.equal((await client.get('/en/home?saved=1')).dom.querySelector('#contact-saved'), null, 'nor an old address')
    // In French too, and not after a form with errors.
    await client.post('/fr/home/contact', { givenName: 'Ana', familyName: 'Lima', preferredLanguage: 'fr' })
    assert.equal(text((await client.get('/fr/home')).dom.querySelector('#contact-saved')), 'Vos coordonnées ont été enregistrées.')
    const refused = await client.post('/en/home/contact', { givenName: '', familyName: 'Lima', preferredLanguage: 'en' })
    assert.equal(refused.status, 400)
    assert.equal(refused.dom.querySelector('#contact-saved'), null)
  })

  it('words the header plainly: "Signed in as" / « Session ouverte », and "Switch business" / « Changer d’entreprise »', async () => {
    const first = await businessWithPrimary(t, 'header.words', '123123123', 'Header One Inc.')
    const second = await businessWithPrimary(t, 'header.words.2', '456456456', 'Header Two Inc.')
    await t.db.insertInto('business_membership').values({ user_id: first.userId, business_id: second.businessId, role: 'secondary', created_at: t.clock.now() }).execute()
    await t.db.updateTable('app_user').set({ given_name: 'Priya', family_name: 'Sharma' }).where('id', '=', first.userId).execute()
    const client = new TestClient(t.app)
    await signInAs(client, first.userId)
    const en = await client.get('/en/home')
    assert.equal(text(en.dom.querySelector('.account-nav a')), 'Signed in as Priya Sharma')
    assert.equal(text(en.dom.querySelector('.business-switch button')), 'Switch business')
    const fr = await client.get('/fr/home')
    assert.equal(text(fr.dom.querySelector('.account-nav a')), 'Session ouverte : Priya Sharma')
    assert.equal(text(fr.dom.querySelector('.business-switch button')), 'Changer d’entreprise')
  })
})
