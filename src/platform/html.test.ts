import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { attrs, escapeHtml, html } from './html.ts'

describe('html', () => {
  it('escapes every interpolated value', () => {
    const evil = `<script>alert("x")</script>' onload='x`
    assert.equal(
      html`<p title="${evil}">${evil}</p>`.value,
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;x">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;x</p>',
    )
  })

  it('nests templates without escaping them twice, and joins arrays', () => {
    const items = ['a&b', 'c'].map((x) => html`<li>${x}</li>`)
    assert.equal(html`<ul>${items}</ul>`.value, '<ul><li>a&amp;b</li><li>c</li></ul>')
  })

  it('drops null, undefined and false', () => {
    assert.equal(html`${null}${undefined}${false}${0}`.value, '0')
  })

  it('writes attributes, leaving out the false ones', () => {
    assert.equal(attrs({ id: 'a"b', required: true, checked: false, value: undefined }).value, ' id="a&quot;b" required')
  })

  it('escapes backticks too', () => {
    assert.equal(escapeHtml('`'), '&#96;')
  })
})
