import { z } from 'zod'
import { cardBrand, expired, luhnValid, normalizeCardNumber, parseExpiry, securityCodeValid, testCardOutcome } from './test-gateway.cards.ts'

/** The hosted card form. Messages are catalog keys; expiry is judged against the clock's month. */
export function cardFormSchema(now: Date) {
  return z
    .object({
      cardNumber: z
        .string()
        .trim()
        .min(1, 'testGateway.errors.cardNumberRequired')
        .transform(normalizeCardNumber)
        .refine((d) => /^\d+$/.test(d), { message: 'testGateway.errors.cardNumberDigits', abort: true })
        .refine((d) => luhnValid(d), { message: 'testGateway.errors.cardNumberInvalid', abort: true })
        .refine((d) => testCardOutcome(d) !== undefined, { message: 'testGateway.errors.cardNumberNotTest', abort: true }),
      expiry: z
        .string()
        .trim()
        .min(1, 'testGateway.errors.expiryRequired')
        .refine((s) => parseExpiry(s) !== undefined, { message: 'testGateway.errors.expiryFormat', abort: true })
        .refine((s) => {
          const e = parseExpiry(s)
          return !e || !expired(e, now)
        }, { message: 'testGateway.errors.expiryPast', abort: true }),
      securityCode: z
        .string()
        .trim()
        .min(1, 'testGateway.errors.securityCodeRequired')
        .regex(/^\d{3,4}$/, 'testGateway.errors.securityCodeInvalid'),
      cardholderName: z.string().trim().min(1, 'testGateway.errors.cardholderNameRequired').max(100, 'testGateway.errors.cardholderNameTooLong'),
    })
    .superRefine((v, ctx) => {
      // Only the length that depends on the brand: the field itself checked the digits.
      if (/^\d{3,4}$/.test(v.securityCode) && !securityCodeValid(v.securityCode, cardBrand(v.cardNumber))) {
        ctx.addIssue({ code: 'custom', path: ['securityCode'], message: 'testGateway.errors.securityCodeInvalid' })
      }
    })
}

export const CARD_FIELDS = ['cardNumber', 'expiry', 'securityCode', 'cardholderName'] as const
