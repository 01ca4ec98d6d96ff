import { z } from 'zod'
import type { MessageKey } from '../../i18n/i18n.ts'
import { emailField } from '../../ui/email-field.ts'
import { luhnValid } from '../reference/validators.ts'
import { personFields } from './access.schema.ts'

const str = z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string())
const text = (empty: MessageKey, max: number) => str.pipe(z.string().trim().min(1, empty).max(max, 'access.errTooLong'))

/** A business number (9 digits, Luhn) or an employer number (E and 7 digits), typed with any spaces, hyphens or case. */
export function normalizeBusinessKey(input: string): string | undefined {
  const key = input.replace(/[\s-]+/g, '').toUpperCase()
  if (/^\d{9}$/.test(key) && luhnValid(key)) return key
  if (/^E\d{7}$/.test(key)) return key
  return undefined
}

export const pinResetSchema = z.object({
  givenNames: personFields.givenNames,
  familyName: personFields.familyName,
  businessNumber: str.pipe(z.string().trim().min(1, 'access.pinReset.errBusinessRequired')).transform((v, ctx) => {
    const key = normalizeBusinessKey(v)
    if (!key) ctx.addIssue({ code: 'custom', message: 'access.pinReset.errBusiness' })
    return key ?? ''
  }),
  email: str.pipe(z.string().trim().min(1, 'access.pinReset.errEmail')).pipe(emailField),
  wantsPrimary: str.pipe(z.enum(['yes', 'no'], { message: 'access.pinReset.errWantsPrimary' })),
  reason: text('access.pinReset.errReason', 2000),
})
export const PIN_RESET_FIELDS = ['givenNames', 'familyName', 'businessNumber', 'email', 'wantsPrimary', 'reason'] as const

/** Issue a new PIN, or refuse; either way with its reason (recorded; the requester reads a refusal's). */
export const pinResetDecisionSchema = z.object({
  decision: str.pipe(z.enum(['issue', 'refuse'], { message: 'access.requests.errDecision' })),
  reason: text('access.requests.errReason', 2000),
})
export const DECISION_FIELDS = ['decision', 'reason'] as const

export const reactivationSchema = z.object({ reason: text('access.reactivation.errReason', 2000) })

/** Reactivate or refuse, with its reason (recorded; the person reads a refusal's). */
export const reactivationDecisionSchema = z.object({
  decision: str.pipe(z.enum(['reactivate', 'refuse'], { message: 'access.requests.errDecision' })),
  reason: text('access.requests.errReason', 2000),
})
