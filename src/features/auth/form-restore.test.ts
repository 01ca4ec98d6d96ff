import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse } from 'node-html-parser'
import { html } from '../../platform/html.ts'
import { checkboxes, radios, select, singleCheckbox, textarea, textInput } from '../../ui/components.ts'
import { translator } from '../../i18n/i18n.ts'
import { fillForm, isSecretField, keptFields } from './form-restore.ts'

const t = translator('en')

function page(action: string): string {
  return html`<main><form method="post" action="${action}" novalidate>
<input type="hidden" name="_csrf" value="token">
<input type="hidden" name="version" value="7">
${textInput({ t, name: 'givenName', label: 'Given name', value: 'Saved' })}
${textInput({ t, name: 'password', label: 'Password', type: 'password' })}
${textInput({ t, name: 'pin', label: 'PIN' })}
${textarea({ t, name: 'explanation', label: 'Explanation', value: 'Saved text' })}
${select({ t, name: 'province', label: 'Province', value: 'ON', options: [{ value: 'ON', text: 'Ontario' }, { value: 'QC', text: 'Québec' }] })}
${radios({ t, name: 'lang', label: 'Language', value: 'en', options: [{ value: 'en', text: 'English' }, { value: 'fr', text: 'French' }] })}
${checkboxes({ t, name: 'days', label: 'Days', values: ['mon'], options: [{ value: 'mon', text: 'Monday' }, { value: 'tue', text: 'Tuesday' }, { value: 'wed', text: 'Wednesday' }] })}
${singleCheckbox({ t, name: 'attest', label: 'I attest', checked: true })}
</form>
<form method="post" action="/en/other">${textInput({ t, name: 'givenName', label: 'Other', value: 'Untouched' })}</form></main>`.value
}

describe('filling a kept form in again', () => {
  it('fills the form that posts to the address, escaped, leaving secrets, hidden fields and other forms alone', () => {
    const action = '/en/access/users/new?business=a&b=c'
    const { page: out, filled } = fillForm(page(action), action, {
      givenName: 'Zoë "<script>',
      password: 'hunter2hunter2',
      pin: '1234-5678',
      version: '1',
      explanation: 'Typed </textarea><b>',
      province: 'QC',
      lang: 'fr',
      days: ['tue', 'wed'],
    })
    assert.equal(filled, true)
    const dom = parse(out)
    const [form, other] = dom.querySelectorAll('form')
    assert.equal(form!.querySelector('[name="givenName"]')!.getAttribute('value'), 'Zoë "<script>')
    assert.doesNotMatch(out, /"<script>/)
    assert.equal(form!.querySelector('[name="password"]')!.hasAttribute('value'), false)
    assert.equal(form!.querySelector('[name="pin"]')!.hasAttribute('value'), false)
    assert.equal(form!.querySelector('[name="version"]')!.getAttribute('value'), '7', 'the page’s own hidden fields stay')
    assert.equal(form!.querySelector('[name="_csrf"]')!.getAttribute('value'), 'token')
    assert.equal(form!.querySelector('textarea')!.textContent, 'Typed </textarea><b>')
    assert.match(out, /Typed &lt;\/textarea&gt;&lt;b&gt;<\/textarea>/, 'escaped')
    assert.deepEqual(form!.querySelectorAll('option').map((o) => [o.getAttribute('value'), o.hasAttribute('selected')]), [['ON', false], ['QC', true]])
    assert.deepEqual(form!.querySelectorAll('[name="lang"]').map((o) => o.hasAttribute('checked')), [false, true])
    assert.deepEqual(form!.querySelectorAll('[name="days"]').map((o) => o.hasAttribute('checked')), [false, true, true])
    assert.equal(form!.querySelector('[name="attest"]')!.hasAttribute('checked'), false, 'a box left unticked is not sent')
    assert.equal(other!.querySelector('[name="givenName"]')!.getAttribute('value'), 'Untouched')
  })

  it('says when no form posts to the address', () => {
    assert.equal(fillForm(page('/en/a'), '/en/b', { givenName: 'x' }).filled, false)
  })

  it('never keeps passwords, PINs, secrets, codes or the CSRF token', () => {
    for (const name of ['password', 'currentPassword', 'confirmPassword', 'codesPassword', 'pin', 'newPin', 'pin_confirm', 'clientSecret', 'apiToken', 'code', '_csrf', '_keep']) assert.equal(isSecretField(name), true, name)
    for (const name of ['givenName', 'nocCode', 'exemptionCode', 'spinning', 'shipping', 'postalCode', 'explanation']) assert.equal(isSecretField(name), false, name)
    assert.deepEqual(keptFields({ _csrf: 't', password: 'p', givenName: 'g', days: ['a', 'b'], file: { x: 1 } }), { givenName: 'g', days: ['a', 'b'] })
  })
})
