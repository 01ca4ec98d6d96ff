import { exemptionByCode, type ExemptionCode } from './exemption-codes.ts'

/**
 * The eligibility check that comes before "Submit an offer of employment": does
 * this hire need an offer (and the fee) at all? A worker with an open work permit,
 * or one whose exemption code gives an open work permit, needs neither. Answers that
 * contradict each other (an open permit with an employer-specific code, or the reverse) are
 * pointed out rather than one of them silently ignored.
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
  /**
   * The two answers disagree, so the check cannot tell: an open work permit with a code that only
   * gives an employer-specific one (T36), or a permit for this business only with a code that
   * gives an open one (R01). The employer is told what each answer would mean, and asked which holds.
   */
  | { offerNeeded: null; contradiction: 'openPermitSpecificCode' | 'specificPermitOpenCode'; exemption: ExemptionCode }

export function decideEligibility(answers: EligibilityAnswers): EligibilityDecision {
  const exemption = exemptionByCode(answers.code)
  if (answers.openPermit === 'yes') {
    // A code that is open, or open in some of its cases (C21's working holiday), agrees with an open permit.
    if (exemption && !exemption.open && !exemption.openWhen) return { offerNeeded: null, contradiction: 'openPermitSpecificCode', exemption }
    return exemption ? { offerNeeded: false, reason: 'openPermit', exemption } : { offerNeeded: false, reason: 'openPermit' }
  }
  if (exemption?.open && answers.openPermit === 'no') return { offerNeeded: null, contradiction: 'specificPermitOpenCode', exemption }
  if (exemption?.open) return { offerNeeded: false, reason: 'openCode', exemption }
  return exemption ? { offerNeeded: true, exemption, unsure: answers.openPermit === 'unsure' } : { offerNeeded: true, unsure: answers.openPermit === 'unsure' }
}
