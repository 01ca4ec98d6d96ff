import { z } from 'zod'
import { PROVINCE_CODES } from '../reference/lists.ts'
import { businessNumberSchema, phoneSchema, postalCodeSchema } from '../reference/validators.schema.ts'
import type { MessageKey } from '../../i18n/i18n.ts'

const str = z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string())
const required = (message: MessageKey) => str.pipe(z.string().trim().min(1, message).max(200, 'enrolment.errTooLong'))

export const businessStepSchema = z.object({
  operatesInCanada: str.pipe(
    z
      .enum(['yes', 'no'], { message: 'enrolment.errOperates' })
      .refine((v) => v === 'yes', { message: 'enrolment.errNotInCanada' }),
  ),
  businessNumber: str.pipe(businessNumberSchema),
  legalName: required('enrolment.errLegalName'),
  operatingName: required('enrolment.errOperatingName'),
})

export const addressStepSchema = z.object({
  street: required('enrolment.errStreet'),
  city: required('enrolment.errCity'),
  province: str.pipe(z.enum(PROVINCE_CODES as unknown as [string, ...string[]], { message: 'enrolment.errProvince' })),
  postalCode: str.pipe(postalCodeSchema),
  phone: str.pipe(phoneSchema),
})

export const REFUSAL_REASONS = ['numberMismatch', 'notOperating', 'incompleteInfo', 'duplicate', 'other'] as const
export type RefusalReason = (typeof REFUSAL_REASONS)[number]

export const decisionSchema = z
  .object({
    decision: str.pipe(z.enum(['approve', 'refuse'])),
    reason: str,
    note: str.pipe(z.string().trim().max(2000, 'enrolment.errTooLong')),
  })
  .superRefine((v, ctx) => {
    if (v.decision !== 'refuse') return
    if (!(REFUSAL_REASONS as readonly string[]).includes(v.reason)) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'enrolment.console.errReason' })
    else if (v.reason === 'other' && v.note.length === 0) ctx.addIssue({ code: 'custom', path: ['note'], message: 'enrolment.console.errNote' })
  })
