import { z } from 'zod'

/**
 * The one e-mail field every form uses, so an address is refused where it is
 * typed, never at send time. Trimmed; empty gets the form's "Enter {field}"
 * (through its label); anything else that is not an address, or is longer than
 * SMTP allows (254), gets `validation.email` ("…like name@example.com").
 * `notify()` checks addresses with the same schema.
 */
export const emailField = z
  .string()
  .trim()
  .min(1)
  .max(254, 'validation.email')
  .pipe(z.email({ message: 'validation.email' }))

/** The same, for a form where the address may be left blank (blank → undefined). */
export const optionalEmailField = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.email({ message: 'validation.email' }).max(254, 'validation.email').optional())

export function isEmailAddress(value: string): boolean {
  return emailField.safeParse(value).success
}
