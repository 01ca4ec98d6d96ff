import { z } from 'zod'
import { exemptionByCode } from './exemption-codes.ts'

/** The value of the "I don't know" choice of the exemption-code select. */
export const UNKNOWN_CODE = 'unknown'

/** The eligibility form (and the result page's query string, which carries the same answers). */
export const eligibilitySchema = z.object({
  openPermit: z.enum(['yes', 'no', 'unsure'], { error: 'reference.eligibility.errorOpenPermit' }),
  code: z
    .string()
    .trim()
    .optional()
    .transform((c) => (!c || c === UNKNOWN_CODE ? undefined : c.toUpperCase()))
    .refine((c) => c === undefined || exemptionByCode(c) !== undefined, 'reference.eligibility.errorCode'),
})

export type EligibilityForm = z.infer<typeof eligibilitySchema>

export const ELIGIBILITY_FIELDS = ['openPermit', 'code'] as const
