import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { TestClient, text } from '../../../tests/helpers/http.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser } from '../../../tests/helpers/users.ts'

describe('the signed-in home page names its person in good French', () => {
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
      assert.equal(text(fr.dom.querySelector('.account-nav a')), `Compte connecté : ${givenName} Gagnon`)
      assert.doesNotMatch(fr.body, /\b(de|que) [ÉH]/)
      const en = await client.get('/en/home')
      assert.equal(text(en.dom.querySelector('h1')), `${givenName} Gagnon’s Employer Portal account`)
      assert.equal(text(en.dom.querySelector('.account-nav a')), `Signed in as ${givenName} Gagnon`)
    }
  })
})
