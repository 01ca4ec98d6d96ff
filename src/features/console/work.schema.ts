import { z } from 'zod'

/** The officers' forms. Messages are catalog keys. */
const str = z.preprocess((v) => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : ''), z.string())

export const searchQuery = z.object({
  kind: str.pipe(z.enum(['employers', 'offers']).catch('employers')),
  q: str.pipe(z.string().trim().max(200)),
  after: str,
})

/**
 * Lengths only: whether each element is there, well formed and agrees is the matching
 * service's (compareWithOffer), which checks every element, so a form left empty lists
 * each field's error at once (a required offer number here stopped at the first).
 */
export const matchForm = z.object({
  offerNumber: str.pipe(z.string().trim().max(40, 'consoleWork.matching.errOfferNumberFormat')),
  passportNumber: str.pipe(z.string().trim().max(60, 'consoleWork.matching.errPassportDiffers')),
  citizenship: str.pipe(z.string().trim().max(100, 'consoleWork.matching.errCitizenshipUnknown')),
})
export const MATCH_FIELDS = ['offerNumber', 'passportNumber', 'citizenship'] as const

/** `unmatchReason`, not `reason`: the correction form on the same page has a reason too, and ids must differ. */
export const unmatchForm = z.object({
  unmatchReason: str.pipe(z.string().trim().min(1, 'consoleWork.offer.errUnmatchReason').max(500, 'consoleWork.offer.errReasonLong')),
})

export const UNMATCH_FIELDS = ['unmatchReason'] as const

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
export function isRealDate(v: string): boolean {
  if (!ISO_DATE.test(v)) return false
  const d = new Date(`${v}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v
}

export const decisionForm = z
  .object({
    outcome: str.pipe(z.enum(['issued', 'refused'], { message: 'consoleWork.offer.errOutcome' })),
    firstDay: str.pipe(z.string().trim()),
    note: str.pipe(z.string().trim().max(2000, 'consoleWork.offer.errNoteLong')),
  })
  .superRefine((v, ctx) => {
    if (v.outcome === 'issued' && !isRealDate(v.firstDay)) ctx.addIssue({ code: 'custom', path: ['firstDay'], message: 'consoleWork.offer.errFirstDay' })
  })
export const DECISION_FIELDS = ['outcome', 'firstDay', 'note'] as const

export const correctionForm = z.object({
  field: str.pipe(z.enum(['exemptionCode', 'passportNumber'], { message: 'consoleWork.offer.errField' })),
  value: str.pipe(z.string().trim().min(1, 'consoleWork.offer.errValue').max(60, 'consoleWork.offer.errPassportLength')),
  reason: str.pipe(z.string().trim().min(1, 'consoleWork.offer.errReason').max(500, 'consoleWork.offer.errReasonLong')),
})
export const CORRECTION_FIELDS = ['field', 'value', 'reason'] as const
