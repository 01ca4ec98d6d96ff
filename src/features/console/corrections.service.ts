import type { Db } from '../../db/connect.ts'
import { audit, type Actor } from '../../platform/audit.ts'
import { notifyUser } from '../notifications/notify.ts'
import { exemptionByCode, isOpenExemption } from '../reference/exemption-codes.ts'
import { checkPassportNumber } from '../reference/validators.ts'
import type { CorrectableField } from './console.tables.ts'
import * as repo from './matching.repository.ts'

/**
 * The two answers officers may correct on a submitted offer without the employer:
 * the exemption code and the passport number. The answer is changed and the change
 * kept (old → new, who, why) in `offer_correction`; audited and notified. Passport
 * numbers never go into the audit trail or a notification.
 */
export const CORRECTABLE: Record<CorrectableField, { section: string; field: string }> = {
  exemptionCode: { section: 'exemption', field: 'exemptionCode' },
  passportNumber: { section: 'worker', field: 'passportNumber' },
}

export type CorrectionProblem = 'exemptionUnknown' | 'exemptionOpen' | 'passportCharacters' | 'passportLength' | 'unchanged'

/** The new value as it will be stored, or why it cannot be. */
export function checkCorrection(field: CorrectableField, value: string, current: string): { ok: true; value: string } | { ok: false; problem: CorrectionProblem } {
  let stored: string
  if (field === 'exemptionCode') {
    const code = exemptionByCode(value)
    if (!code) return { ok: false, problem: 'exemptionUnknown' }
    if (isOpenExemption(code.code)) return { ok: false, problem: 'exemptionOpen' }
    stored = code.code
  } else {
    const r = checkPassportNumber(value)
    if (!r.ok) return { ok: false, problem: r.error === 'length' ? 'passportLength' : 'passportCharacters' }
    stored = r.value
  }
  return stored === current.trim() ? { ok: false, problem: 'unchanged' } : { ok: true, value: stored }
}

export type CorrectionResult = { kind: 'corrected' } | { kind: 'invalid'; problem: CorrectionProblem } | { kind: 'notSubmitted' }

export async function correctOffer(db: Db, offerId: string, input: { field: CorrectableField; value: string; reason: string }, officer: Actor & { userId: string }, now: Date): Promise<CorrectionResult> {
  return db.transaction().execute(async (trx): Promise<CorrectionResult> => {
    const offer = await trx.selectFrom('offer').select(['id', 'business_id', 'offer_number', 'created_by', 'status', 'answers']).where('id', '=', offerId).forUpdate().executeTakeFirst()
    if (!offer || (offer.status !== 'pending' && offer.status !== 'matched')) return { kind: 'notSubmitted' }
    const { section, field } = CORRECTABLE[input.field]
    const raw = offer.answers[section]?.[field]
    const current = typeof raw === 'string' ? raw : ''
    const checked = checkCorrection(input.field, input.value, current)
    if (!checked.ok) return { kind: 'invalid', problem: checked.problem }
    if (!(await repo.setAnswer(trx, offerId, section, field, checked.value, now))) return { kind: 'notSubmitted' }
    await repo.insertCorrection(trx, { offerId, field: input.field, oldValue: current, newValue: checked.value, reason: input.reason, by: officer.userId, now })
    await audit(trx, officer, now, {
      action: 'offer.corrected',
      businessId: offer.business_id,
      objectType: 'offer',
      objectId: offerId,
      // The exemption code is no secret; a passport number is never written to the audit trail.
      details: input.field === 'exemptionCode' ? { field: input.field, from: current, to: checked.value, reason: input.reason } : { field: input.field, reason: input.reason },
    })
    if (input.field === 'exemptionCode') {
      await notifyUser(trx, { userId: offer.created_by, template: 'consoleOfferExemptionCorrected', params: { offerNumber: offer.offer_number ?? '', from: current, to: checked.value, reason: input.reason }, ids: { offerId: offer.id }, now })
    } else {
      await notifyUser(trx, { userId: offer.created_by, template: 'consoleOfferPassportCorrected', params: { offerNumber: offer.offer_number ?? '', reason: input.reason }, ids: { offerId: offer.id }, now })
    }
    return { kind: 'corrected' }
  })
}
