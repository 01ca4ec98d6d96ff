import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { translate } from '../../i18n/i18n.ts'
import catalog from './console.messages.ts'

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Every `details: { … }` key and `objectType: '…'` of an audit entry the portal's code writes. */
function written(): { details: Set<string>; objects: Set<string> } {
  const details = new Set<string>()
  const objects = new Set<string>()
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) visit(file)
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const lines = fs.readFileSync(file, 'utf8').split('\n')
        lines.forEach((line, i) => {
          // An audit entry's object: its action is on this line or the few before.
          const nearAction = lines.slice(Math.max(0, i - 8), i + 1).some((l) => /\baction: /.test(l))
          if (!nearAction) return
          for (const m of line.matchAll(/objectType: [^,}]*?'([a-z_]+)'/g)) objects.add(m[1]!)
          const at = line.search(/\bdetails: /)
          if (at < 0) return
          for (const m of line.slice(at + 'details: '.length).matchAll(/[{,]\s*(\w+)\s*(?=[:,}])/g)) details.add(m[1]!)
        })
      }
    }
  }
  visit(SRC)
  return { details, objects }
}

describe('the console’s audit trail in words', () => {
  it('has words in both languages for every detail and every kind of object an audit entry is written with', () => {
    const { details, objects } = written()
    assert.ok(details.has('fromCents') && details.has('newPrimary') && objects.has('offer'), `the scan finds them (${details.size} details, ${objects.size} objects)`)
    assert.deepEqual([...details].filter((k) => !(k in catalog.en.auditDetails)).sort(), [], 'give these details words in console.auditDetails')
    assert.deepEqual([...objects].filter((k) => !(k in catalog.en.auditObjects)).sort(), [], 'give these objects words in console.auditObjects')
    for (const k of Object.keys(catalog.en.auditDetails)) assert.ok(translate('fr', `console.auditDetails.${k as 'reason'}`).length > 0)
  })
})
