/**
 * Card rules of the embedded test gateway: Luhn, brand, expiry, and the documented
 * test cards. Pure functions, no storage: the gateway keeps only brand and last four.
 */

export type TestCardOutcome = 'approved' | 'declined' | 'no_answer'

/** The documented test cards (also shown on the hosted page and in docs/operations.md). */
export const TEST_CARDS: ReadonlyArray<{ number: string; brand: string; outcome: TestCardOutcome }> = [
  { number: '4242424242424242', brand: 'Visa', outcome: 'approved' },
  { number: '5555555555554444', brand: 'Mastercard', outcome: 'approved' },
  { number: '4000000000000002', brand: 'Visa', outcome: 'declined' },
  { number: '4000000000000119', brand: 'Visa', outcome: 'no_answer' },
]

/** Digits only: people type spaces and dashes in card numbers. */
export function normalizeCardNumber(input: string): string {
  return input.replace(/[\s-]/g, '')
}

export function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

export function cardBrand(digits: string): string {
  if (/^4/.test(digits)) return 'Visa'
  if (/^(5[1-5]|2(2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))/.test(digits)) return 'Mastercard'
  if (/^3[47]/.test(digits)) return 'American Express'
  return 'Card'
}

export function testCardOutcome(digits: string): TestCardOutcome | undefined {
  return TEST_CARDS.find((c) => c.number === digits)?.outcome
}

/**
 * "MM/YY" (or "MM/YYYY", "MMYY") → the month, or undefined when unreadable.
 * A card is valid through the last day of its expiry month.
 */
export function parseExpiry(input: string): { month: number; year: number } | undefined {
  const m = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(input)
  if (!m) return undefined
  const month = Number(m[1])
  const year = m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2])
  if (month < 1 || month > 12) return undefined
  return { month, year }
}

export function expired(expiry: { month: number; year: number }, now: Date): boolean {
  const y = now.getUTCFullYear()
  const mo = now.getUTCMonth() + 1
  return expiry.year < y || (expiry.year === y && expiry.month < mo)
}

/** Three digits, four for American Express. */
export function securityCodeValid(code: string, brand: string): boolean {
  return brand === 'American Express' ? /^\d{4}$/.test(code) : /^\d{3}$/.test(code)
}
