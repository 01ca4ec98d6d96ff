import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { registeredRoutes } from '../../src/app.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient, type PageResponse } from '../helpers/http.ts'
import { registerSignInAs, signInAs } from '../helpers/sign-in-as.ts'
import { signIn } from '../helpers/users.ts'
import { expected, ROUTE_MATRIX, TEST_ONLY_PREFIXES, type Role } from './route-matrix.ts'
import { buildWorld, type World } from './world.ts'

/**
 * Enumeration: an answer must not tell whether something exists. Stronger than "both are
 * 404": the two answers are the same page, byte for byte once the per-request values
 * (CSP nonce, CSRF token, the ids themselves) are set aside.
 */

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g

function normalized(res: PageResponse, ...names: string[]): string {
  let body = res.body
    .replace(/nonce="[^"]*"/g, 'nonce=""')
    .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""')
    .replace(UUID, 'ID')
  for (const n of names) body = body.split(n).join('NAME')
  return `${res.status} ${res.location ?? ''}\n${body}`
}

describe('enumeration: answers do not tell what exists', () => {
  let t: TestApp
  let world: World
  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    world = await buildWorld(t, 'en')
  })
  after(() => t.close())

  it('every route that refuses another business’s object answers exactly as for an object that does not exist', async (tc) => {
    const registered = registeredRoutes.get(t.app)!
    const outsiders: Role[] = ['primaryB', 'noBusiness']
    let compared = 0
    for (const route of registered) {
      if (!['GET', 'POST'].includes(route.method) || !route.url.startsWith('/en/') || !route.url.includes(':') || TEST_ONLY_PREFIXES.some((p) => route.url.startsWith(p))) continue
      const key = `${route.method} /{lang}${route.url.slice(3)}`
      const entry = ROUTE_MATRIX[key]
      if (!entry?.params) continue
      const real = await entry.params(world.fx)
      const ids = Object.entries(real).filter(([, v]) => /^[0-9a-f-]{36}$/.test(v))
      if (ids.length === 0) continue
      const fake = Object.fromEntries(ids.map(([k]) => [k, crypto.randomUUID()]))
      const url = (values: Record<string, string>) => route.url.replace(/:(\w+)/g, (_w, n: string) => encodeURIComponent(values[n] ?? real[n]!))
      for (const role of outsiders) {
        if (expected(entry, role) !== 'notFound') continue
        const answers: string[] = []
        for (const values of [real, fake]) {
          const client = new TestClient(t.app)
          await signInAs(client, world.users[role as Exclude<Role, 'signedOut'>].id)
          await client.get('/en/home')
          const res = route.method === 'GET' ? await client.get(url(values)) : await client.post(url(values), {})
          answers.push(normalized(res))
        }
        assert.equal(answers[0], answers[1], `${key} as ${role}: another business's object and a missing one are told apart`)
        compared++
      }
    }
    assert.ok(compared >= 10, `only ${compared} comparisons: the sweep found too few routes`)
    tc.diagnostic(`${compared} route × role comparisons`)
    // The comparison can tell pages apart: business A's own user sees its offer, not the missing one.
    const own = new TestClient(t.app)
    await signInAs(own, world.users.primaryA.id)
    assert.notEqual(normalized(await own.get(`/en/offers/${world.fx.offerA}`)), normalized(await own.get(`/en/offers/${crypto.randomUUID()}`)))
  })

  it('sign-in: an unknown name and a known name with a wrong password get the same page, on the portal and the console', async () => {
    for (const console_ of [false, true]) {
      const known = world.users.primaryA.username
      const unknown = 'en.nobody-at-all'
      const a = await signIn(new TestClient(t.app), known, 'not the password at all', 'en', console_)
      const b = await signIn(new TestClient(t.app), unknown, 'not the password at all', 'en', console_)
      assert.equal(a.status, 400)
      assert.equal(normalized(a, known), normalized(b, unknown))
    }
  })

  it('forgotten password: a known account, an unknown name and an account past its e-mail limit get the same answer', async () => {
    const known = world.users.secondaryA.username
    const answers: string[] = []
    const ask = async (username: string) => {
      const client = new TestClient(t.app)
      await client.get('/en/forgot-password')
      const sent = await client.post('/en/forgot-password', { username })
      return normalized(sent) + normalized(await client.follow(sent), username)
    }
    answers.push(await ask(known), await ask('en.nobody-at-all'))
    for (let i = 0; i < 5; i++) await ask(known)
    answers.push(await ask(known))
    assert.equal(answers[1], answers[0])
    assert.equal(answers[2], answers[0])
  })

  it('offer numbers: another business’s number searched in the queue, on the page or through the API, answers as a number nobody has', async () => {
    const { offer_number: taken } = await t.db.selectFrom('offer').select('offer_number').where('id', '=', world.fx.submittedOfferA).executeTakeFirstOrThrow()
    assert.match(taken!, /^A\d{7}$/)
    let free = taken!
    for (let n = Number(taken!.slice(1)) + 1; ; n++) {
      free = `A${String(n % 10_000_000).padStart(7, '0')}`
      if (!(await t.db.selectFrom('offer').select('id').where('offer_number', '=', free).executeTakeFirst())) break
    }
    const queue = async (userId: string, number: string) => {
      const client = new TestClient(t.app)
      await signInAs(client, userId)
      await client.get('/en/home')
      return normalized(await client.get(`/en/offers?q=${number}`), number)
    }
    const api = async (role: 'primaryA' | 'primaryB', number: string) => {
      const res = await t.app.inject({ url: `/api/v1/offers?q=${number}`, headers: { authorization: `Bearer ${world.apiTokens[role]}` } })
      return `${res.statusCode}\n${res.body.split(number).join('NAME').replace(UUID, 'ID')}`
    }
    assert.equal(await queue(world.users.primaryB.id, taken!), await queue(world.users.primaryB.id, free), 'the queue page tells another business’s number from a free one')
    assert.equal(await api('primaryB', taken!), await api('primaryB', free), 'the API tells another business’s number from a free one')
    // The comparisons can tell: business A's own user finds its number, on the page and through the API.
    assert.notEqual(await queue(world.users.primaryA.id, taken!), await queue(world.users.primaryA.id, free))
    assert.notEqual(await api('primaryA', taken!), await api('primaryA', free))
  })
})
