import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testApp, type TestApp } from '../../tests/helpers/app.ts'
import { TestClient } from '../../tests/helpers/http.ts'
import { registerSignInAs, signInAs } from '../../tests/helpers/sign-in-as.ts'
import { createUser } from '../../tests/helpers/users.ts'
import { compareSessionsByStoredForm, storedForm } from './session-change.ts'

describe('how a changed session is told from an unchanged one', () => {
  test('the stored form: the same values in any order alike, the cookie aside, any changed value different', () => {
    const read = { _csrf: 'secret', userId: 'u1', createdAt: '2026-11-25T10:00:00.000Z', cookie: { path: '/' } }
    assert.equal(storedForm({ cookie: { path: '/', maxAge: 60 }, createdAt: '2026-11-25T10:00:00.000Z', userId: 'u1', _csrf: 'secret' }), storedForm(read))
    assert.notEqual(storedForm({ ...read, userId: 'u2' }), storedForm(read))
    assert.notEqual(storedForm({ ...read, pending: { step: 'code' } }), storedForm(read))
    assert.notEqual(storedForm({ ...read, pending: { step: 'password' } }), storedForm({ ...read, pending: { step: 'code' } }))
    const { userId: _gone, ...signedOut } = read
    assert.notEqual(storedForm(signedOut), storedForm(read))
  })

  test('@fastify/session still has the comparison this replaces (its own would run, slower, if a release renamed it)', () => {
    assert.equal(compareSessionsByStoredForm(), true)
  })

  describe('on the portal', () => {
    let t: TestApp
    let userId: string

    before(async () => {
      t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
      userId = (await createUser(t.db, { username: 'session.change', password: 'Session-change-password-2026' })).id
    })
    after(() => t.close())

    const sessionRow = () => t.db.selectFrom('session').select(['data', 'updated_at']).where('user_id', '=', userId).executeTakeFirstOrThrow()

    test('a page that changes nothing in the session does not write it; one that does (the idle clock moved on) writes it once', async () => {
      const client = new TestClient(t.app)
      await signInAs(client, userId)
      // The first page adds the session's CSRF secret (its forms' tokens): a change, written.
      assert.equal((await client.get('/en/home')).status, 200)
      const firstPage = await sessionRow()
      assert.ok((firstPage.data as unknown as Record<string, unknown>)._csrf, 'the first page kept a CSRF secret in the session')
      // Within the 15 s in which the idle clock is not moved: nothing in the session changes.
      t.clock.advance(5_000)
      assert.equal((await client.get('/en/home')).status, 200)
      assert.equal((await client.get('/en/offers')).status, 200)
      assert.deepEqual(await sessionRow(), firstPage, 'the session was written though nothing in it changed')
      // Past them, the visit is recorded: the session is written, with the new time.
      t.clock.advance(15_000)
      assert.equal((await client.get('/en/home')).status, 200)
      const touched = await sessionRow()
      assert.equal((touched.data as unknown as Record<string, unknown>).lastSeenAt, t.clock.now().toISOString())
      assert.equal(touched.updated_at.toISOString(), t.clock.now().toISOString())
    })
  })
})
