import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { translate } from '../../i18n/i18n.ts'
import { ACTION_LABELS } from './business-audit.ts'

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Every audit action the portal's code writes (`action: 'feature.thing'`), template literals expanded by hand below. */
function writtenActions(): string[] {
  const found = new Set<string>()
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) visit(file)
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
          // Every 'feature.thing' on a line that sets an action: a literal, or each branch of a condition.
          const at = line.search(/\baction: /)
          if (at < 0) continue
          // The action's own expression: up to the next property of the object.
          const expression = line.slice(at + 'action: '.length).split(/,\s*\w+:|\s\}/)[0]!
          // An audit action is a literal or a condition between literals (a summary row's `action: change(…)` is a link).
          if (!/^['`]/.test(expression) && !expression.includes(' ? ')) continue
          for (const m of expression.matchAll(/['`]([a-z_]+\.[a-z_]+(?:\$\{[^}]+\})?[a-z_]*)['`]/g)) found.add(m[1]!)
        }
      }
    }
  }
  visit(SRC)
  return [...found].sort()
}

const EXPANDED: Record<string, string[]> = {
  'offer.fee_exemption_${decision}': ['offer.fee_exemption_accepted', 'offer.fee_exemption_refused'],
  'payment.${ended.status}': ['payment.declined', 'payment.cancelled', 'payment.expired', 'payment.failed'],
}

describe('the audit trail’s words', () => {
  it('has words in both languages for every action the code may write (a business’s trail and the console’s read them)', () => {
    const written = writtenActions()
    assert.ok(written.includes('offer.section_saved') && written.includes('access.pin_used'), `the scan finds the actions (${written.length})`)
    const actions = written.flatMap((a) => {
      if (!a.includes('${')) return [a]
      assert.ok(EXPANDED[a], `${a}: list what it expands to in EXPANDED`)
      return EXPANDED[a]!
    })
    const unlabelled = actions.filter((a) => !ACTION_LABELS[a])
    assert.deepEqual(unlabelled, [], 'label these in ACTION_LABELS (access.audit.actions)')
    for (const key of Object.values(ACTION_LABELS)) {
      assert.notEqual(translate('en', key), translate('fr', key), `${key} is translated`)
    }
  })
})
