import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig } from './config.ts'

describe('configuration', () => {
  it('gives a development portal safe defaults', () => {
    const c = loadConfig({})
    assert.equal(c.port, 3000)
    assert.equal(c.isProduction, false)
    assert.equal(c.seedDemo, true)
    assert.equal(c.publicBaseUrl, 'http://localhost:3000')
    assert.equal(c.databaseUrl, undefined)
  })

  it('limits the API to 120 requests a minute per token unless API_RATE_LIMIT_PER_MINUTE says otherwise', () => {
    assert.equal(loadConfig({}).apiRateLimitPerMinute, 120)
    assert.equal(loadConfig({ API_RATE_LIMIT_PER_MINUTE: '100000' }).apiRateLimitPerMinute, 100_000)
    for (const bad of ['0', '-5', '1.5', 'many']) {
      assert.throws(() => loadConfig({ API_RATE_LIMIT_PER_MINUTE: bad }), (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.startsWith('API_RATE_LIMIT_PER_MINUTE')), bad)
    }
  })

  it('refuses to start in production without its secrets, naming each one', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.some((p) => p.startsWith('SESSION_SECRET')) &&
        err.problems.some((p) => p.startsWith('PUBLIC_BASE_URL')) &&
        err.problems.some((p) => p.startsWith('SMTP_URL')),
    )
  })

  it('sends e-mail through SMTP when SMTP_URL is set, with sender and reply-to from configuration', () => {
    const dev = loadConfig({})
    assert.equal(dev.smtpUrl, undefined)
    assert.equal(dev.mailFrom, 'Employer Portal <no-reply@localhost>')
    assert.equal(dev.mailReplyTo, undefined)
    assert.equal(dev.runMailDispatcher, true)
    const c = loadConfig({ SMTP_URL: 'smtp://mail.example.ca:587', MAIL_FROM: 'Portal <portal@example.ca>', MAIL_REPLY_TO: 'help@example.ca', RUN_MAIL_DISPATCHER: 'false' })
    assert.equal(c.smtpUrl, 'smtp://mail.example.ca:587')
    assert.equal(c.mailFrom, 'Portal <portal@example.ca>')
    assert.equal(c.mailReplyTo, 'help@example.ca')
    assert.equal(c.runMailDispatcher, false)
    assert.throws(() => loadConfig({ SMTP_URL: 'http://mail.example.ca' }), (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.startsWith('SMTP_URL')))
  })

  it('starts in production with its secrets, without demo data', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(40),
      PUBLIC_BASE_URL: 'https://portal.example.ca/',
      SMTP_URL: 'smtps://portal:secret@mail.example.ca',
    })
    assert.equal(c.isProduction, true)
    assert.equal(c.seedDemo, false)
    assert.equal(c.publicBaseUrl, 'https://portal.example.ca')
  })

  it('says which variable is malformed', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' }),
      (err: unknown) =>
        err instanceof ConfigError && err.problems.some((p) => p.startsWith('PORT')) && err.problems.some((p) => p.startsWith('DATABASE_URL')),
    )
  })

  it('refuses a short session secret', () => {
    assert.throws(() => loadConfig({ SESSION_SECRET: 'short' }), ConfigError)
  })

  it('treats an empty variable as unset', () => {
    assert.equal(loadConfig({ DATABASE_URL: '' }).databaseUrl, undefined)
  })
})
