import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { z } from 'zod'
import { translator } from '../i18n/i18n.ts'
import { emailField, isEmailAddress, optionalEmailField } from './email-field.ts'
import { zodFormErrors } from './form-errors.ts'

describe('the shared e-mail field', () => {
  it('accepts addresses, trimmed', () => {
    assert.equal(emailField.parse('  ana.silva+portal@example.ca '), 'ana.silva+portal@example.ca')
    for (const ok of ['a@b.ca', 'jean-luc.oneil@exemple.qc.ca', 'x_y@sub.domain.org']) assert.ok(isEmailAddress(ok), ok)
  })

  it('refuses what is not an address', () => {
    for (const bad of ['ana', 'ana@', '@example.ca', 'ana@example', 'ana@@example.ca', 'ana example@example.ca', 'ana@example..ca', `${'a'.repeat(250)}@example.ca`]) {
      assert.equal(isEmailAddress(bad), false, bad)
    }
  })

  it('gives the form a clear message in the page’s language, linked to the field', () => {
    const schema = z.object({ email: emailField })
    const bad = schema.safeParse({ email: 'ana@' })
    assert.ok(!bad.success)
    const en = zodFormErrors(translator('en'), bad.error, { email: 'notifications.emailAddressLabel' })
    assert.deepEqual(en.summary, [{ text: 'Enter an email address in the correct format, like name@example.com', href: '#email' }])
    const fr = zodFormErrors(translator('fr'), bad.error, { email: 'notifications.emailAddressLabel' })
    assert.equal(fr.fields.email, 'Entrez une adresse courriel dans le bon format, par exemple nom@exemple.ca')
    const empty = schema.safeParse({ email: '  ' })
    assert.ok(!empty.success)
    assert.equal(zodFormErrors(translator('en'), empty.error, { email: 'notifications.emailAddressLabel' }).fields.email, 'Enter your email address')
    assert.equal(zodFormErrors(translator('fr'), empty.error, { email: 'notifications.emailAddressLabel' }).fields.email, 'Entrez votre adresse courriel')
  })

  it('has an optional variant: blank is no address, anything else must be one', () => {
    assert.equal(optionalEmailField.parse('  '), undefined)
    assert.equal(optionalEmailField.parse(' a@b.ca '), 'a@b.ca')
    assert.equal(optionalEmailField.safeParse('nope').success, false)
  })
})
