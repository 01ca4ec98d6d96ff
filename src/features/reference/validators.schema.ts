import { z } from 'zod'
import type { Lang, MessageKey } from '../../i18n/i18n.ts'
import {
  checkBusinessNumber,
  checkHoursPerWeek,
  checkPassportNumber,
  checkPersonName,
  checkPhone,
  checkPostalCode,
  isSeeAttachedAnswer,
  parseMoneyToCents,
  type Check,
} from './validators.ts'

/**
 * Zod schemas over the shared validators. Each takes the raw form string and
 * outputs the normalized value; every refusal reason has its own catalog message
 * (`reference.validation.*`), so the person is told exactly what to fix.
 */

function fromCheck<T, E extends string>(check: (s: string) => Check<T, E>, messages: Record<E, MessageKey>) {
  return z.string().transform((input, ctx): T => {
    const r = check(input)
    if (r.ok) return r.value
    ctx.issues.push({ code: 'custom', message: messages[r.error], input })
    return z.NEVER
  })
}

export const businessNumberSchema = fromCheck(checkBusinessNumber, {
  required: 'reference.validation.businessNumberRequired',
  programAccount: 'reference.validation.businessNumberProgramAccount',
  notDigits: 'reference.validation.businessNumberDigits',
  length: 'reference.validation.businessNumberLength',
  checksum: 'reference.validation.businessNumberChecksum',
})

export const postalCodeSchema = fromCheck(checkPostalCode, {
  required: 'reference.validation.postalCodeRequired',
  format: 'reference.validation.postalCodeFormat',
})

export const phoneSchema = fromCheck(checkPhone, {
  required: 'reference.validation.phoneRequired',
  format: 'reference.validation.phoneFormat',
  extension: 'reference.validation.phoneExtension',
})

export const passportNumberSchema = fromCheck(checkPassportNumber, {
  required: 'reference.validation.passportRequired',
  characters: 'reference.validation.passportCharacters',
  length: 'reference.validation.passportLength',
})

export const personNameSchema = fromCheck(checkPersonName, {
  required: 'reference.validation.nameRequired',
  digits: 'reference.validation.nameDigits',
  characters: 'reference.validation.nameCharacters',
  tooLong: 'reference.validation.nameTooLong',
})

/** Money typed in the page's language, to integer cents. */
export function moneyCentsSchema(lang: Lang) {
  return fromCheck((s) => parseMoneyToCents(s, lang), {
    required: 'reference.validation.moneyRequired',
    format: 'reference.validation.moneyFormat',
    negative: 'reference.validation.moneyNegative',
    tooManyDecimals: 'reference.validation.moneyDecimals',
    tooLarge: 'reference.validation.moneyTooLarge',
  })
}

export const hoursPerWeekSchema = fromCheck(checkHoursPerWeek, {
  required: 'reference.validation.hoursRequired',
  format: 'reference.validation.hoursFormat',
  range: 'reference.validation.hoursRange',
})

/**
 * A required free-text answer (duties, explanations): trimmed, at most `max`
 * characters, and never just "see attached" or "n/a".
 */
export function freeTextAnswerSchema(max = 4000) {
  return z
    .string()
    .trim()
    .min(1, 'reference.validation.answerRequired')
    .max(max, 'reference.validation.answerTooLong')
    .refine((s) => !isSeeAttachedAnswer(s), 'reference.validation.answerSeeAttached')
}
