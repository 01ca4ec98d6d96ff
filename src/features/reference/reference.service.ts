import { exemptionByCode, type ExemptionCode } from './exemption-codes.ts'

/**
 * The eligibility check that comes before "Submit an offer of employment": does
 * this hire need an offer (and the fee) at all? A worker with an open work permit,
 * or one whose exemption code gives an open work permit, needs neither.
 */

export type OpenPermitAnswer = 'yes' | 'no' | 'unsure'

export interface EligibilityAnswers {
  openPermit: OpenPermitAnswer
  /** An exemption code, or undefined for "I don't know". */
  code?: string
}

export type EligibilityDecision =
  | { offerNeeded: false; reason: 'openPermit'; exemption?: ExemptionCode }
  | { offerNeeded: false; reason: 'openCode'; exemption: ExemptionCode }
  | { offerNeeded: true; exemption?: ExemptionCode; unsure: boolean }

export function decideEligibility(answers: EligibilityAnswers): EligibilityDecision {
  const exemption = exemptionByCode(answers.code)
  if (answers.openPermit === 'yes') return exemption ? { offerNeeded: false, reason: 'openPermit', exemption } : { offerNeeded: false, reason: 'openPermit' }
  if (exemption?.open) return { offerNeeded: false, reason: 'openCode', exemption }
  return exemption ? { offerNeeded: true, exemption, unsure: answers.openPermit === 'unsure' } : { offerNeeded: true, unsure: answers.openPermit === 'unsure' }
}
