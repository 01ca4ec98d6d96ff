import { z } from 'zod'
import { translate, type Lang, type MessageKey } from '../../i18n/i18n.ts'
import { answersFromForm, SECTIONS, sectionProblems, type FieldDef, type SectionId } from './offers.sections.ts'
import type { Answers } from './offers.tables.ts'

/**
 * zod schemas derived from the sections' data (SECTIONS), for the API and its
 * OpenAPI document. `sectionBodySchema` is the shape of one section as sent (types
 * only: what was sent is saved even when incomplete, as the pages do);
 * `sectionSchema` adds the pages' own checks (`sectionProblems`) as issues whose
 * messages are catalog keys. Nothing here changes what a field means: SECTIONS does.
 */

/** Values a choice field accepts, written into the document when the list is short (countries and codes have their own endpoints). */
function choiceValues(f: FieldDef): string[] | undefined {
  const list = f.choices?.('en')
  return list && list.length <= 20 ? list.map((c) => c.value) : undefined
}

function describe(f: FieldDef): string {
  const label = translate('en', `offers.fields.${f.name}.label` as MessageKey)
  const values = choiceValues(f)
  const extra =
    f.name === 'exemptionCode'
      ? ' An employer-specific code from GET /api/v1/reference/exemption-codes.'
      : ['countryOfBirth', 'countryOfResidence', 'citizenship'].includes(f.name)
        ? ' An ISO 3166-1 alpha-2 code from GET /api/v1/reference/countries.'
        : f.name === 'nocCode'
          ? ' Five digits, from GET /api/v1/reference/occupations.'
          : f.kind === 'date'
            ? ' A date as YYYY-MM-DD.'
            : f.kind === 'checkbox'
              ? ' true (or "yes") to tick it.'
              : values
                ? ` One of: ${values.join(', ')}.`
                : ''
  return `${label}${f.optional ? ' (optional)' : ''}.${extra}`
}

function fieldSchema(f: FieldDef): z.ZodType {
  switch (f.kind) {
    case 'checkboxes': {
      const values = choiceValues(f)
      const item = z.string({ error: 'api.p.expectedText' }).max(200, 'offers.e_tooLong')
      return z
        .array(item, { error: 'api.p.expectedList' })
        .max(20, 'offers.e_tooLong')
        .optional()
        .meta({ description: `${describe(f)}${values ? ` Each one of: ${values.join(', ')}.` : ''}` })
    }
    case 'checkbox':
      return z.union([z.boolean(), z.enum(['yes', ''])], { error: 'api.p.expectedBoolean' }).optional().meta({ description: describe(f) })
    default:
      return z
        .string({ error: 'api.p.expectedText' })
        .max(10_000, 'offers.e_tooLong')
        .optional()
        .meta({ description: describe(f) })
  }
}

const bodySchemas = new Map<SectionId, z.ZodObject>()

/** One section as sent to the API: every field optional (a missing one is saved empty), no unknown field. */
export function sectionBodySchema(section: SectionId): z.ZodObject {
  let schema = bodySchemas.get(section)
  if (!schema) {
    schema = z.strictObject(Object.fromEntries(SECTIONS[section].map((f) => [f.name, fieldSchema(f)])), { error: 'api.p.unknownField' })
    bodySchemas.set(section, schema)
  }
  return schema
}

export type SectionBody = Record<string, string | string[] | boolean | undefined>

/** A section as the pages store it (the same as a posted form would give): text as sent, lists for multiple choices, "yes" or "" for a tick. */
export function sectionValues(section: SectionId, body: SectionBody): Record<string, string | string[]> {
  const form: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(body)) form[k] = v === true ? 'yes' : v === false ? '' : v
  return answersFromForm(section, form)
}

/**
 * The section with the pages' checks: valid exactly when `sectionProblems` finds
 * nothing, with one issue per problem (message: the catalog key; params in `params`).
 */
export function sectionSchema(section: SectionId, context: { answers: Answers; lang: Lang; today: string }) {
  return sectionBodySchema(section).superRefine((body, ctx) => {
    const all: Answers = { ...context.answers, [section]: sectionValues(section, body as SectionBody) }
    for (const p of sectionProblems(section, all, context.lang, context.today)) {
      const [key, params] = Array.isArray(p.problem) ? p.problem : [p.problem, undefined]
      ctx.addIssue({ code: 'custom', path: [p.field], message: key, params })
    }
  })
}
