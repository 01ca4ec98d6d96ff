import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { ConfigError, loadConfig } from '../../config.ts'
import { DEV_KEY_FILE, resolveDataKey, UnsealError } from '../../platform/data-key.ts'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { TestClient } from '../../../tests/helpers/http.ts'
import { createUser, signIn, TEST_PASSWORD } from '../../../tests/helpers/users.ts'
import { newTotpSecret, totpCode } from './totp.ts'
import { sealStoredTotpSecrets, TotpSecrets } from './totp-secrets.ts'

const text = (el: { textContent: string } | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim()

describe('TOTP secrets at rest', () => {
  const key = crypto.randomBytes(32)
  const secrets = new TotpSecrets(key)
  const alice = crypto.randomUUID()
  const bob = crypto.randomUUID()

  it('are sealed with AES-256-GCM: a new ciphertext each time, bound to the user, opening only with the key', () => {
    const secret = newTotpSecret()
    const a = secrets.seal(alice, secret)
    const b = secrets.seal(alice, secret)
    assert.notEqual(a, b)
    assert.match(a, /^v1\.[A-Za-z0-9_-]+$/)
    assert.ok(!a.includes(secret))
    assert.equal(secrets.open(alice, a), secret)
    assert.equal(secrets.open(alice, b), secret)
    assert.throws(() => secrets.open(bob, a), UnsealError, 'copied to another user, it does not open')
    assert.throws(() => new TotpSecrets(crypto.randomBytes(32)).open(alice, a), UnsealError, 'another key does not open it')
    const raw = Buffer.from(a.slice(3), 'base64url')
    raw[raw.length - 1]! ^= 1
    assert.throws(() => secrets.open(alice, `v1.${raw.toString('base64url')}`), UnsealError, 'an altered value does not open')
    assert.throws(() => secrets.open(alice, 'v1.AAAA'), UnsealError)
  })

  it('still read a secret stored in the clear before sealing existed', () => {
    assert.equal(secrets.open(alice, 'JBSWY3DPEHPK3PXP'), 'JBSWY3DPEHPK3PXP')
  })

  it('keep the pending secret of a setup apart from stored ones', () => {
    const pending = secrets.sealPending(alice, 'JBSWY3DPEHPK3PXP')
    assert.equal(secrets.openPending(alice, pending), 'JBSWY3DPEHPK3PXP')
    assert.equal(secrets.openPending(bob, pending), undefined)
    assert.throws(() => secrets.open(alice, pending), UnsealError)
  })
})

describe('the data encryption key', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-key-'))
  after(() => fs.rmSync(tmp, { recursive: true, force: true }))

  it('comes from DATA_ENCRYPTION_KEY as 64 hex digits or base64 of 32 bytes; anything else is refused by name', () => {
    const bytes = crypto.randomBytes(32)
    assert.deepEqual(loadConfig({ DATA_ENCRYPTION_KEY: bytes.toString('hex') }).dataEncryptionKey, bytes)
    assert.deepEqual(loadConfig({ DATA_ENCRYPTION_KEY: bytes.toString('base64') }).dataEncryptionKey, bytes)
    for (const bad of ['short', 'x'.repeat(64), bytes.toString('hex').slice(2)]) {
      assert.throws(
        () => loadConfig({ DATA_ENCRYPTION_KEY: bad }),
        (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.startsWith('DATA_ENCRYPTION_KEY')),
      )
    }
  })

  it('is required in production', () => {
    assert.throws(
      () => resolveDataKey({ isProduction: true, dataEncryptionKey: undefined, dataDir: tmp }),
      (err: unknown) => err instanceof ConfigError && /DATA_ENCRYPTION_KEY is required when NODE_ENV=production/.test(err.message),
    )
    assert.equal(fs.existsSync(path.join(tmp, DEV_KEY_FILE)), false, 'production never makes a key file')
    const configured = crypto.randomBytes(32)
    assert.equal(resolveDataKey({ isProduction: true, dataEncryptionKey: configured, dataDir: tmp }), configured)
  })

  it('outside production, is made once in the data folder (owner-only) and read back at every start', () => {
    const dir = path.join(tmp, 'dev')
    const first = resolveDataKey({ isProduction: false, dataEncryptionKey: undefined, dataDir: dir })
    const file = path.join(dir, DEV_KEY_FILE)
    assert.equal(fs.statSync(file).mode & 0o777, 0o600)
    assert.equal(first.length, 32)
    assert.deepEqual(resolveDataKey({ isProduction: false, dataEncryptionKey: undefined, dataDir: dir }), first)
    fs.writeFileSync(file, 'not a key')
    assert.throws(() => resolveDataKey({ isProduction: false, dataEncryptionKey: undefined, dataDir: dir }), ConfigError)
  })

  it('a production portal without it does not start', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        SESSION_SECRET: 's'.repeat(40),
        PUBLIC_BASE_URL: 'https://portal.example.ca',
        SMTP_URL: 'smtp://127.0.0.1:1',
        DATA_ENCRYPTION_KEY: '',
        PORTAL_DATA_DIR: path.join(tmp, 'prod'),
        DATABASE_URL: '',
        PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    assert.equal(code, 1)
    assert.match(stderr, /DATA_ENCRYPTION_KEY is required when NODE_ENV=production/)
    assert.equal(fs.existsSync(path.join(tmp, 'prod', 'pgdata')), false, 'it stopped before opening the database')
  })
})

describe('TOTP secrets through the sign-in pages', () => {
  let t: TestApp
  let secrets: TotpSecrets
  before(async () => {
    t = await testApp()
    secrets = new TotpSecrets(resolveDataKey(t.config))
  })
  after(() => t.close())

  const storedSecret = async (username: string) =>
    (await t.db.selectFrom('app_user').select(['id', 'totp_secret']).where('username', '=', username).executeTakeFirstOrThrow()) as { id: string; totp_secret: string }

  it('are stored sealed when set up (the database never holds the key shown to the person), and codes from it work', async () => {
    await createUser(t.db, { username: 'officer.sealed', role: 'officer' })
    const client = new TestClient(t.app)
    const first = await signIn(client, 'officer.sealed', TEST_PASSWORD, 'en', true)
    const setup = await client.follow(first)
    const key = text(setup.dom.querySelector('.totp-key')).replace(/\s+/g, '')
    assert.match(key, /^[A-Z2-7]{32}$/)
    // While being set up, the secret sits in the session row: sealed there too.
    const sessions = await t.db.selectFrom('session').select('data').execute()
    assert.ok(sessions.every((s) => !JSON.stringify(s.data).includes(key)))
    assert.equal((await client.post('/en/two-factor/setup', { code: totpCode(key, t.clock.now()) })).location, '/en/two-factor/recovery-codes')
    // The new recovery codes wait in the session until shown: sealed there as well.
    const codes = (await client.get('/en/two-factor/recovery-codes')).dom.querySelectorAll('.recovery-codes code').map((c) => text(c))
    assert.equal(codes.length, 10)
    const sessionData = JSON.stringify(await t.db.selectFrom('session').select('data').execute())
    for (const c of codes) assert.ok(!sessionData.includes(c), 'a recovery code in a session row')

    const row = await storedSecret('officer.sealed')
    assert.match(row.totp_secret, /^v1\./)
    assert.ok(!row.totp_secret.includes(key))
    assert.equal(secrets.open(row.id, row.totp_secret), key)

    t.clock.advanceMinutes(1)
    const again = new TestClient(t.app)
    assert.equal((await signIn(again, 'officer.sealed', TEST_PASSWORD, 'en', true)).location, '/en/sign-in/code')
    await again.get('/en/sign-in/code')
    assert.equal((await again.post('/en/sign-in/code', { code: totpCode(key, t.clock.now()) })).location, '/en/console')
  })

  it('a secret still in the clear keeps working and is sealed at its next use', async () => {
    const key = newTotpSecret()
    await createUser(t.db, { username: 'officer.legacy', role: 'officer', totpSecret: key })
    await t.db.updateTable('app_user').set({ totp_secret: key }).where('username', '=', 'officer.legacy').execute()
    const client = new TestClient(t.app)
    await signIn(client, 'officer.legacy', TEST_PASSWORD, 'en', true)
    await client.get('/en/sign-in/code')
    assert.equal((await client.post('/en/sign-in/code', { code: totpCode(key, t.clock.now()) })).location, '/en/console')
    const row = await storedSecret('officer.legacy')
    assert.match(row.totp_secret, /^v1\./)
    assert.equal(secrets.open(row.id, row.totp_secret), key)
  })

  it('at start, every secret still in the clear is sealed; a key that does not open them stops the portal', async () => {
    const keys = [newTotpSecret(), newTotpSecret()]
    await createUser(t.db, { username: 'officer.start1', role: 'officer', totpSecret: keys[0] })
    await createUser(t.db, { username: 'officer.start2', role: 'officer', totpSecret: keys[1] })
    await t.db.updateTable('app_user').set({ totp_secret: keys[0]! }).where('username', '=', 'officer.start1').execute()
    await t.db.updateTable('app_user').set({ totp_secret: keys[1]! }).where('username', '=', 'officer.start2').execute()
    const result = await sealStoredTotpSecrets(t.db, secrets)
    assert.ok(result.sealed >= 2)
    const clear = await t.db.selectFrom('app_user').select('id').where('totp_secret', 'is not', null).where('totp_secret', 'not like', 'v1.%').execute()
    assert.deepEqual(clear, [])
    for (const [i, name] of ['officer.start1', 'officer.start2'].entries()) {
      const row = await storedSecret(name)
      assert.equal(secrets.open(row.id, row.totp_secret), keys[i])
    }
    assert.deepEqual(await sealStoredTotpSecrets(t.db, secrets), { sealed: 0 })
    await assert.rejects(sealStoredTotpSecrets(t.db, new TotpSecrets(crypto.randomBytes(32))), (err: unknown) => err instanceof ConfigError && /DATA_ENCRYPTION_KEY does not open/.test(err.message))
  })

  // Last: it moves every secret of this database to another key.
  it('a key rotation: with the old key as DATA_ENCRYPTION_KEY_PREVIOUS, secrets still open, and start-up re-seals them all with the new key', async () => {
    const oldKey = resolveDataKey(t.config)
    const newKey = crypto.randomBytes(32)
    const rotating = new TotpSecrets(newKey, oldKey)
    assert.deepEqual(loadConfig({ DATA_ENCRYPTION_KEY: newKey.toString('hex'), DATA_ENCRYPTION_KEY_PREVIOUS: oldKey.toString('hex') }).previousDataEncryptionKey, oldKey)
    const key = newTotpSecret()
    const user = await createUser(t.db, { username: 'officer.rotate', role: 'officer' })
    await t.db.updateTable('app_user').set({ totp_secret: secrets.seal(user.id, key) }).where('id', '=', user.id).execute()
    const stored = (await storedSecret('officer.rotate')).totp_secret
    assert.equal(rotating.open(user.id, stored), key)
    assert.throws(() => new TotpSecrets(newKey).open(user.id, stored), UnsealError)

    assert.ok((await sealStoredTotpSecrets(t.db, rotating)).sealed >= 1)
    const rows = await t.db.selectFrom('app_user').select(['id', 'totp_secret']).where('totp_secret', 'is not', null).execute()
    assert.ok(rows.length >= 4)
    const newOnly = new TotpSecrets(newKey)
    for (const row of rows) assert.doesNotThrow(() => newOnly.open(row.id, row.totp_secret!), row.id)
    assert.equal(newOnly.open(user.id, (await storedSecret('officer.rotate')).totp_secret), key)
    assert.deepEqual(await sealStoredTotpSecrets(t.db, rotating), { sealed: 0 })
    await assert.rejects(sealStoredTotpSecrets(t.db, secrets), ConfigError, 'the old key alone no longer opens them')
  })
})
