import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { z } from 'zod'
import { branchSchema, createUserSchema, joinSchema } from '../../src/features/access/access.schema.ts'
import { pinResetDecisionSchema, pinResetSchema, reactivationDecisionSchema, reactivationSchema } from '../../src/features/access/access-requests.schema.ts'
import { contactSchema } from '../../src/features/account/account.routes.ts'
import { codeSchema, forgotSchema, registerSchema, resetSchema, signInSchema } from '../../src/features/auth/auth.schema.ts'
import { addressStepSchema, businessStepSchema, decisionSchema } from '../../src/features/enrolment/enrolment.schema.ts'
import { cardFormSchema } from '../../src/features/payment/test-gateway.schema.ts'
import { eligibilitySchema } from '../../src/features/reference/reference.schema.ts'
import {
  businessNumberSchema,
  freeTextAnswerSchema,
  hoursPerWeekSchema,
  moneyCentsSchema,
  passportNumberSchema,
  personNameSchema,
  phoneSchema,
  postalCodeSchema,
} from '../../src/features/reference/validators.schema.ts'
import { messageKeys, translator } from '../../src/i18n/i18n.ts'
import { zodFormErrors } from '../../src/ui/form-errors.ts'
import { emailField } from '../../src/ui/email-field.ts'

/**
 * Schema-level properties (the validators' own properties are in
 * src/features/reference/validators.test.ts): whatever arrives, a schema never throws;
 * it accepts, or it refuses with messages that are catalog keys existing in English and
 * French — or, for zod's own type/option/length issues (a tampered form: a repeated
 * field, a missing radio), with the generic bilingual message `zodFormErrors` makes for
 * them (src/ui/form-errors.ts). Either way the person reads their language, never zod's text.
 */
const EN = new Set(messageKeys('en'))
const FR = new Set(messageKeys('fr'))

/** Runs per property; PROPERTY_RUNS=3000 for a deeper search (clean at 2 × 3,000 when written). */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 300)

/** Strings a person (or an attacker) might send: any unicode, hostile markup, digits, spaces, very long. */
const anyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '<script>alert(1)</script>', "' OR 1=1 --", '%', '_', '\\', '\u202e', 'é'.normalize('NFD'), '１２３', 'x'.repeat(5000)),
  fc.stringMatching(/^[0-9 +().-]{0,20}$/),
)
/** What a form body field can be after parsing: a string, a repeated field (array), or absent. */
const anyField = fc.oneof(anyString, fc.array(anyString, { maxLength: 3 }), fc.constant(undefined))
/** Anything at all, for fields a hostile JSON body could set. */
const anyValue = fc.oneof(anyField, fc.integer(), fc.boolean(), fc.constant(null), fc.object({ maxDepth: 2 }))

function formOf(fields: readonly string[], value: fc.Arbitrary<unknown> = anyField) {
  return fc.record(Object.fromEntries(fields.map((f) => [f, value])), { requiredKeys: [] })
}

/** Zod's own issue kinds that `zodFormErrors` turns into a generic bilingual message naming the field. */
const FALLBACK_CODES = new Set(['invalid_type', 'invalid_value', 'too_small', 'too_big'])

function checkIssues(name: string, result: z.ZodSafeParseResult<unknown>, input: unknown): void {
  if (result.success) return
  const shown = JSON.stringify(input)?.slice(0, 200)
  for (const issue of result.error.issues) {
    const where = `${name}: "${issue.message}" (at ${issue.path.join('.') || 'the body'}) for ${shown}`
    if (/^[a-z][A-Za-z]*(\.[A-Za-z0-9]+)+$/.test(issue.message)) assert.ok(EN.has(issue.message) && FR.has(issue.message), `${where} is not a catalog key in both languages`)
    else assert.ok(FALLBACK_CODES.has(issue.code), `${where}: a ${issue.code} issue needs a catalog message`)
  }
  // What the person reads: the summary in both languages, never zod's raw English.
  for (const lang of ['en', 'fr'] as const) {
    const errors = zodFormErrors(translator(lang), result.error)
    assert.ok(errors.summary.length > 0, `${name}: an empty error summary`)
    for (const link of errors.summary) {
      assert.ok(link.text.trim().length > 0, `${name}: an empty message`)
      assert.doesNotMatch(link.text, /Invalid input|Invalid option|expected/, `${name} (${lang}): zod's own text is shown`)
    }
  }
}

function neverThrows(name: string, schema: z.ZodType, input: fc.Arbitrary<unknown>): void {
  fc.assert(
    fc.property(input, (value) => {
      let result: z.ZodSafeParseResult<unknown>
      try {
        result = schema.safeParse(value)
      } catch (error) {
        assert.fail(`${name} threw for ${JSON.stringify(value)?.slice(0, 200)}: ${String(error)}`)
      }
      checkIssues(name, result, value)
    }),
    { numRuns: RUNS },
  )
}

describe('schema properties: any input, never a throw, only catalog messages', () => {
  const forms: Array<[string, z.ZodType, readonly string[]]> = [
    ['registration', registerSchema, ['username', 'email', 'password', 'confirmPassword']],
    ['sign-in', signInSchema, ['username', 'password', 'returnTo']],
    ['second-factor code', codeSchema, ['code']],
    ['forgotten password', forgotSchema, ['username']],
    ['password reset', resetSchema, ['password', 'confirmPassword']],
    ['contact details', contactSchema, ['givenName', 'middleName', 'familyName', 'preferredLanguage']],
    ['enrolment: business', businessStepSchema, ['operatesInCanada', 'businessNumber', 'legalName', 'operatingName']],
    ['enrolment: address', addressStepSchema, ['street', 'city', 'province', 'postalCode', 'phone']],
    ['enrolment: decision', decisionSchema, ['decision', 'reason', 'note']],
    ['eligibility', eligibilitySchema, ['openPermit', 'code']],
    ['access: new user', createUserSchema, ['givenNames', 'familyName', 'email', 'branch', 'attest']],
    ['access: new branch', branchSchema, ['name', 'street', 'city', 'province', 'postalCode', 'givenNames', 'familyName', 'email']],
    ['access: join with a PIN', joinSchema, ['givenNames', 'familyName', 'pin']],
    ['access: PIN reset request', pinResetSchema, ['givenNames', 'familyName', 'businessNumber', 'email', 'wantsPrimary', 'reason']],
    ['access: PIN reset decision', pinResetDecisionSchema, ['decision', 'reason']],
    ['access: reactivation request', reactivationSchema, ['reason']],
    ['access: reactivation decision', reactivationDecisionSchema, ['decision', 'reason']],
    ['test gateway card', cardFormSchema(new Date('2026-11-23T15:00:00Z')), ['cardNumber', 'expiry', 'securityCode', 'cardholderName']],
  ]

  for (const [name, schema, fields] of forms) {
    it(`${name}: any form body`, () => {
      neverThrows(name, schema, formOf(fields))
    })
    it(`${name}: any JSON-ish body, and bodies that are not objects`, () => {
      neverThrows(name, schema, fc.oneof(formOf(fields, anyValue), anyValue))
    })
  }

  const fieldSchemas: Array<[string, z.ZodType]> = [
    ['business number', businessNumberSchema],
    ['postal code', postalCodeSchema],
    ['phone', phoneSchema],
    ['passport number', passportNumberSchema],
    ['person name', personNameSchema],
    ['money (en)', moneyCentsSchema('en')],
    ['money (fr)', moneyCentsSchema('fr')],
    ['hours per week', hoursPerWeekSchema],
    ['free-text answer', freeTextAnswerSchema()],
    ['e-mail', emailField],
  ]
  for (const [name, schema] of fieldSchemas) {
    it(`${name}: any string`, () => {
      neverThrows(name, schema, anyString)
    })
  }

  it('normalizations are stable: a value a schema accepted is accepted again, unchanged', () => {
    const stable: Array<[string, z.ZodType<unknown, string>]> = [
      ['business number', businessNumberSchema as z.ZodType<unknown, string>],
      ['postal code', postalCodeSchema as z.ZodType<unknown, string>],
      ['phone', phoneSchema as z.ZodType<unknown, string>],
      ['person name', personNameSchema as z.ZodType<unknown, string>],
      ['passport number', passportNumberSchema as z.ZodType<unknown, string>],
    ]
    for (const [name, schema] of stable) {
      fc.assert(
        fc.property(fc.oneof(anyString, fc.stringMatching(/^[A-Za-z][0-9][A-Za-z] ?[0-9][A-Za-z][0-9]$/), fc.stringMatching(/^\+?1? ?\(?[2-9][0-9]{2}\)? ?[2-9][0-9]{2}-?[0-9]{4}$/)), (input) => {
          const first = schema.safeParse(input)
          if (!first.success || typeof first.data !== 'string') return
          const second = schema.safeParse(first.data)
          assert.ok(second.success, `${name}: ${JSON.stringify(input)} → ${JSON.stringify(first.data)} is refused the second time`)
          assert.equal(second.data, first.data, `${name}: normalizing twice changes ${JSON.stringify(input)}`)
        }),
        { numRuns: RUNS },
      )
    }
  })
})
