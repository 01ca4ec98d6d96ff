import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { linkButton } from './components.ts'

describe('linkButton', () => {
  it('is a plain link drawn as a button: no role="button", which would promise Space without script', () => {
    const out = linkButton({ text: 'Start a new offer', href: '/en/offers/new', variant: 'primary' }).value
    assert.equal(out, '<a class="button button-primary" href="/en/offers/new">Start a new offer</a>')
    assert.doesNotMatch(linkButton({ text: 'Back', href: '/en' }).value, /role=/)
  })
})
