import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { z } from 'zod'
import { isMessageKey } from '../../i18n/i18n.ts'
import { createTokenSchema } from './api-tokens.schema.ts'
import { OfferQuerySchema, WithdrawBodySchema } from './api.schema.ts'
import { VALID_OFFER } from '../../../tests/helpers/offers.ts'
import { SECTION_IDS, sectionProblems } from '../offers/offers.sections.ts'
import { sectionBodySchema, sectionSchema, sectionValues, type SectionBody } from '../offers/offers.schema.ts'

describe('offer section schemas derived from SECTIONS', () => {
  it('accepts every valid section as the pages send it, and agrees with sectionProblems on it', () => {
    for (const s of SECTION_IDS) {
      const body = VALID_OFFER[s] as SectionBody
      assert.equal(sectionBodySchema(s).safeParse(body).success, true, s)
      assert.equal(sectionSchema(s, { answers: VALID_OFFER as never, lang: 'en', today: '2026-11-23' }).safeParse(body).success, true, s)
    }
  })

  it('reports the same problems as the pages, as catalog keys, for an empty or wrong section', () => {
    for (const s of SECTION_IDS) {
      const result = sectionSchema(s, { answers: {}, lang: 'fr', today: '2026-11-23' }).safeParse({})
      const expected = sectionProblems(s, { [s]: sectionValues(s, {}) }, 'fr', '2026-11-23')
      assert.deepEqual(result.success ? [] : result.error.issues.map((i) => [i.path[0], i.message]), expected.map((p) => [p.field, Array.isArray(p.problem) ? p.problem[0] : p.problem]), s)
    }
    const job = sectionSchema('job', { answers: {}, lang: 'en', today: '2026-11-23' }).safeParse({ ...VALID_OFFER.job, nocCode: '123' })
    assert.equal(job.success, false)
    assert.deepEqual(job.error!.issues.map((i) => [i.path[0], i.message]), [['nocCode', 'offers.e_noc']])
  })

  it('refuses wrong types and unknown fields with catalog keys', () => {
    const r = sectionBodySchema('requirements').safeParse({ education: 3, languages: 'fr', shoeSize: '42' })
    assert.equal(r.success, false)
    const messages = r.error!.issues.map((i) => i.message).sort()
    assert.deepEqual(messages, ['api.p.expectedList', 'api.p.expectedText', 'api.p.unknownField'])
  })

  it('turns ticks sent as booleans into what the pages store', () => {
    assert.deepEqual(sectionValues('attestations', { agreement: true, noFeeRecovery: false, abuseFree: 'yes' }), { agreement: 'yes', noFeeRecovery: '', activelyEngaged: '', compliesWithLaws: '', sameOccupation: '', abuseFree: 'yes' })
  })

  it('becomes JSON Schema (for the OpenAPI document) with a description for every field', () => {
    for (const s of SECTION_IDS) {
      const json = z.toJSONSchema(sectionBodySchema(s), { target: 'draft-2020-12', io: 'input' }) as { properties: Record<string, { description?: string }>; additionalProperties: boolean }
      assert.equal(json.additionalProperties, false, s)
      for (const [name, p] of Object.entries(json.properties)) assert.ok(p.description && p.description.length > 3, `${s}.${name}`)
    }
  })

  it('never throws on any JSON, and every message it gives is a catalog key (sections, the token form, queries, withdrawal)', () => {
    const schemas: Array<[string, z.ZodType]> = [
      ...SECTION_IDS.map((s): [string, z.ZodType] => [s, sectionSchema(s, { answers: {}, lang: 'en', today: '2026-11-23' })]),
      ['token form', createTokenSchema],
      ['offer query', OfferQuerySchema],
      ['withdraw', WithdrawBodySchema],
    ]
    for (const [name, schema] of schemas) {
      fc.assert(
        fc.property(fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()), fc.boolean(), fc.integer()))), (value) => {
          const r = schema.safeParse(value)
          if (r.success) return
          for (const issue of r.error.issues) if (issue.code !== 'invalid_type' || issue.path.length > 0) assert.ok(isMessageKey(issue.message), `${name}: ${issue.message}`)
        }),
        { numRuns: 300 },
      )
    }
  })
})
