import type { z } from 'zod'
import { BoundedMap } from '../platform/bounded-map.ts'
import { isMessageKey, type MessageKey, type Translate } from '../i18n/i18n.ts'

/**
 * One function makes every field id, and the error summary's links are made from
 * it too, so a summary link can never miss its field (the pay-selfservice bug).
 * `givenNames` → `given-names`, `job.title` → `job-title`, `locations.1.city` → `locations-1-city`.
 */
export function fieldId(name: string): string {
  return fieldIds.remember(name, () => idOf(name))
}

/** Ids already made: four regular expressions per field per page were ~2 % of a form page's CPU. */
const fieldIds = new BoundedMap<string, string>(2_000)

function idOf(name: string): string {
  return name
    .replace(/\[(\w+)\]/g, '.$1')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
}

export interface ErrorLink {
  text: string
  href: string
}

export interface FormErrors {
  summary: ErrorLink[]
  /** Field name → message shown beside the field (the first error of that field). */
  fields: Record<string, string>
}

export const noErrors: FormErrors = { summary: [], fields: {} }

export function hasErrors(errors: FormErrors | undefined): errors is FormErrors {
  return !!errors && errors.summary.length > 0
}

/** Builds errors from (field, message) pairs in page order, one message per field. */
export function formErrors(pairs: ReadonlyArray<readonly [field: string, message: string]>): FormErrors {
  const fields: Record<string, string> = {}
  const summary: ErrorLink[] = []
  for (const [field, message] of pairs) {
    if (field in fields) continue
    fields[field] = message
    summary.push({ text: message, href: `#${fieldId(field)}` })
  }
  return { summary, fields }
}

/**
 * Turns zod issues into the summary and inline messages. Schemas give their
 * messages as catalog keys (`z.string().min(1, 'enrolment.errors.legalNameRequired')`);
 * an issue without one falls back to a generic message naming the field.
 * `labels` gives each field's name as it appears in a sentence.
 */
export function zodFormErrors(
  t: Translate,
  error: z.ZodError,
  labels: Partial<Record<string, MessageKey>> = {},
  order: readonly string[] = [],
): FormErrors {
  const issues = [...error.issues]
  if (order.length) {
    const rank = (i: z.core.$ZodIssue) => {
      const r = order.indexOf(String(i.path[0] ?? ''))
      return r === -1 ? order.length : r
    }
    issues.sort((a, b) => rank(a) - rank(b))
  }
  return formErrors(
    issues.map((issue) => {
      const field = issue.path.map(String).join('.') || '_form'
      return [field, messageFor(t, issue, labels[field] ?? labels[String(issue.path[0])])] as const
    }),
  )
}

function messageFor(t: Translate, issue: z.core.$ZodIssue, label: MessageKey | undefined): string {
  if (isMessageKey(issue.message)) {
    const params: Record<string, string | number> = {}
    if ('maximum' in issue) params.max = Number(issue.maximum)
    if ('minimum' in issue) params.min = Number(issue.minimum)
    return t(issue.message, params)
  }
  const field = label ? t(label) : ''
  switch (issue.code) {
    case 'too_big':
      return t('validation.tooLong', { field, max: Number(issue.maximum) })
    case 'too_small':
      return Number(issue.minimum) <= 1 ? t('validation.required', { field }) : t('validation.tooShort', { field, min: Number(issue.minimum) })
    case 'invalid_type':
      return t('validation.required', { field })
    case 'invalid_value':
      return t('validation.chooseOne', { field })
    default:
      return t('validation.invalid', { field })
  }
}
