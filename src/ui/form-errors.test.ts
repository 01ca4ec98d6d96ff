import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse } from 'node-html-parser'
import { z } from 'zod'
import { translator } from '../i18n/i18n.ts'
import { html } from '../platform/html.ts'
import { errorSummary, radios, singleCheckbox, textarea, textInput } from './components.ts'
import { fieldId, formErrors, zodFormErrors } from './form-errors.ts'

const t = translator('en')

describe('fieldId', () => {
  it('makes kebab-case ids from field names', () => {
    assert.equal(fieldId('givenNames'), 'given-names')
    assert.equal(fieldId('job.title'), 'job-title')
    assert.equal(fieldId('locations[1].city'), 'locations-1-city')
    assert.equal(fieldId('businessNumber'), 'business-number')
  })
})

describe('error summary', () => {
  const schema = z.object({
    givenNames: z.string().trim().min(1),
    familyName: z.string().trim().min(1).max(5),
    consent: z.literal('yes'),
    kind: z.enum(['a', 'b']),
  })
  const input = { givenNames: ' ', familyName: 'Tremblay-Gagnon', consent: undefined, kind: 'c' }
  const result = schema.safeParse(input)
  assert.equal(result.success, false)
  const errors = zodFormErrors(t, result.error!, {
    givenNames: 'common.continue',
    familyName: 'common.save',
  })

  it('has one entry per field, in order, each linked to the field id', () => {
    assert.deepEqual(
      errors.summary.map((e) => e.href),
      ['#given-names', '#family-name', '#consent', '#kind'],
    )
    assert.equal(errors.fields.familyName, 'Save must be 5 characters or fewer')
  })

  it('links every summary entry to an element that exists on the rendered form', () => {
    const page = html`${errorSummary(t, errors)}
${textInput({ t, name: 'givenNames', label: 'Given name(s)', error: errors.fields.givenNames })}
${textarea({ t, name: 'familyName', label: 'Family name', error: errors.fields.familyName })}
${singleCheckbox({ t, name: 'consent', label: 'I agree', error: errors.fields.consent })}
${radios({ t, name: 'kind', label: 'Kind', options: [{ value: 'a', text: 'A' }, { value: 'b', text: 'B' }], error: errors.fields.kind })}`
    const dom = parse(page.value)
    const links = dom.querySelectorAll('.error-summary a')
    assert.equal(links.length, 4)
    for (const link of links) {
      const id = link.getAttribute('href')!.slice(1)
      const target = dom.querySelector(`[id="${id}"]`)
      assert.ok(target, `no element with id ${id}`)
      assert.ok(['input', 'textarea', 'select'].includes(target.tagName.toLowerCase()), `${id} is not a field`)
    }
  })

  it('describes each invalid field by its error message and marks it invalid', () => {
    const dom = parse(textInput({ t, name: 'givenNames', label: 'Given', hint: 'As on the passport', error: 'Enter a name' }).value)
    const input = dom.querySelector('input')!
    assert.equal(input.getAttribute('aria-describedby'), 'given-names-hint given-names-error')
    assert.equal(input.getAttribute('aria-invalid'), 'true')
    assert.match(dom.querySelector('#given-names-error')!.textContent, /Error:\s*Enter a name/)
    assert.equal(dom.querySelector('label')!.getAttribute('for'), 'given-names')
  })

  it('takes focus when shown', () => {
    const dom = parse(errorSummary(t, formErrors([['a', 'Problem']])).toString())
    const summary = dom.querySelector('.error-summary')!
    assert.equal(summary.getAttribute('tabindex'), '-1')
    assert.ok(summary.hasAttribute('autofocus'))
    assert.ok(dom.querySelector('[role="alert"]'))
  })

  it('renders nothing without errors', () => {
    assert.equal(errorSummary(t, formErrors([])), '')
  })
})
