import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { ConfigError, loadConfig, testConfig } from '../../src/config.ts'
import { pinHash, pinKeys, sealPin, unsealPin } from '../../src/features/access/access.pin.ts'
import { SESSION_COOKIE } from '../../src/platform/security.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient } from '../helpers/http.ts'
import { businessWithPrimary } from '../helpers/offers.ts'
import { registerSignInAs, signInAs } from '../helpers/sign-in-as.ts'
import { createUser } from '../helpers/users.ts'
import { bn } from './world.ts'

const OLD = 'the-old-session-secret-of-at-least-32-chars'
const NEW = 'the-new-session-secret-of-at-least-32-chars'
const UNKNOWN = 'a-secret-this-portal-never-had-32-characters'

/**
 * Rotating SESSION_SECRET: the new secret signs, SESSION_SECRET_PREVIOUS still verifies,
 * so nobody is signed out and no unused PIN is voided by the change; a cookie signed
 * with a secret in neither is ignored. Several app instances share one database, as
 * processes before and after a restart with the new configuration would.
 */
describe('SESSION_SECRET rotation', () => {
  let t: TestApp
  let userId: string
  const apps: FastifyInstance[] = []

  before(async () => {
    t = await testApp({ config: { sessionSecret: OLD } })
    userId = (await createUser(t.db, { username: 'rotation.owner' })).id
  })
  after(async () => {
    for (const app of apps) await app.close()
    await t.close()
  })

  async function portal(sessionSecret: string, previousSessionSecrets: string[] = []): Promise<FastifyInstance> {
    const app = await buildApp({ config: testConfig({ sessionSecret, previousSessionSecrets, logLevel: 'silent' }), db: t.db, clock: t.clock })
    registerSignInAs(app, () => t)
    await app.ready()
    apps.push(app)
    return app
  }

  /** A signed-in browser of `app`: its cookie is signed with that app's current secret. */
  async function cookieFrom(app: FastifyInstance): Promise<string> {
    const client = new TestClient(app)
    await signInAs(client, userId)
    const cookie = client.cookies.get(SESSION_COOKIE)
    assert.ok(cookie)
    assert.equal((await client.get('/en/home')).status, 200)
    return cookie
  }

  async function home(app: FastifyInstance, cookie: string): Promise<number> {
    const client = new TestClient(app)
    client.cookies.set(SESSION_COOKIE, cookie)
    return (await client.get('/en/home')).status
  }

  it('a cookie signed with the old secret still works after the rotation; new cookies are signed with the new one', async () => {
    const before = await portal(OLD)
    const oldCookie = await cookieFrom(before)
    const rotated = await portal(NEW, [OLD])
    assert.equal(await home(rotated, oldCookie), 200, 'the old secret still verifies')
    const newCookie = await cookieFrom(rotated)
    assert.notEqual(newCookie.split('.').at(-1), oldCookie.split('.').at(-1))
    assert.equal(await home(await portal(NEW), newCookie), 200, 'signed with the new secret')
    assert.equal(await home(before, newCookie), 303, 'not with the old one')
  })

  it('once the old secret is dropped, or for a secret the portal never had, the cookie is ignored', async () => {
    const oldCookie = await cookieFrom(await portal(OLD))
    const foreignCookie = await cookieFrom(await portal(UNKNOWN))
    const rotated = await portal(NEW, [OLD])
    const res = new TestClient(rotated)
    res.cookies.set(SESSION_COOKIE, foreignCookie)
    const page = await res.get('/en/home')
    assert.equal(page.status, 303, 'an unknown secret does not verify')
    assert.match(page.location ?? '', /\/en\/sign-in/)
    assert.equal(await home(await portal(NEW), oldCookie), 303, 'the old secret removed: its cookies end')
  })

  it('a PIN issued under the old secret is still found, shown and used after the rotation', async () => {
    const business = await businessWithPrimary(t, 'rotation.primary', bn('16180339'), 'Rotation Ltd.')
    const pin = 'ABCDEFGHJK'
    const now = t.clock.now()
    await t.db
      .insertInto('access_pin')
      .values({ business_id: business.businessId, branch_id: null, role: 'secondary', given_names: 'Ada', family_name: 'Lovelace', email: null, pin_hash: pinHash(pinKeys(OLD), pin), pin_sealed: sealPin(pinKeys(OLD), pin), expires_at: new Date(now.getTime() + 86_400_000), created_by: business.userId, created_at: now })
      .execute()
    assert.equal(unsealPin(pinKeys(NEW, [OLD]), sealPin(pinKeys(OLD), pin)), pin, 'opened with a previous key')
    assert.equal(unsealPin(pinKeys(NEW), sealPin(pinKeys(OLD), pin)), undefined)

    const rotated = await portal(NEW, [OLD])
    const primary = new TestClient(rotated)
    await signInAs(primary, business.userId)
    assert.match((await primary.get('/en/access')).body, /ABCD-EFGH-JK/, 'the primary user still sees it')
    const joiner = new TestClient(rotated)
    await signInAs(joiner, (await createUser(t.db, { username: 'rotation.joiner' })).id)
    await joiner.get('/en/join')
    const joined = await joiner.post('/en/join', { givenNames: 'Ada', familyName: 'Lovelace', pin: 'abcd-efgh-jk' })
    assert.equal(joined.status, 303, joined.body.slice(0, 300))
    const row = await t.db.selectFrom('access_pin').select(['status', 'pin_sealed']).where('business_id', '=', business.businessId).executeTakeFirstOrThrow()
    assert.deepEqual(row, { status: 'used', pin_sealed: null })
  })

  it('SESSION_SECRET_PREVIOUS: a comma-separated list of secrets as long as SESSION_SECRET’s, only beside it', () => {
    const base = { NODE_ENV: 'test', SESSION_SECRET: NEW }
    assert.deepEqual(loadConfig({ ...base, SESSION_SECRET_PREVIOUS: ` ${OLD} , ${UNKNOWN},` }).previousSessionSecrets, [OLD, UNKNOWN])
    assert.deepEqual(loadConfig(base).previousSessionSecrets, [])
    const refused = (env: Record<string, string>, message: RegExp) => assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && message.test(e.message))
    refused({ ...base, SESSION_SECRET_PREVIOUS: 'short' }, /SESSION_SECRET_PREVIOUS.*at least 32 characters/)
    refused({ NODE_ENV: 'test', SESSION_SECRET_PREVIOUS: OLD }, /SESSION_SECRET_PREVIOUS needs SESSION_SECRET/)
    refused({ ...base, SESSION_SECRET_PREVIOUS: `${OLD},${NEW}` }, /must not contain SESSION_SECRET itself/)
  })
})
