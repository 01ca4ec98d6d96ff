import { z } from 'zod'
import { passwordProblem, type PasswordProblem } from './passwords.ts'
import type { MessageKey } from '../../i18n/i18n.ts'
import { emailField } from '../../ui/email-field.ts'

const field = z.preprocess((v) => (typeof v === 'string' ? v : Array.isArray(v) ? '' : undefined), z.string().default(''))

export const signInSchema = z.object({
  username: field.pipe(z.string().trim().min(1, 'auth.errUsernameRequired').max(64, 'auth.errUsernameFormat')),
  password: field.pipe(z.string().min(1, 'auth.errPasswordRequired').max(1024, 'auth.errPasswordLong')),
  returnTo: field,
})

const PASSWORD_MESSAGES: Record<PasswordProblem, MessageKey> = {
  short: 'auth.errPasswordShort',
  long: 'auth.errPasswordLong',
  common: 'auth.errPasswordCommon',
  likeUsername: 'auth.errPasswordLikeUsername',
}

export const USERNAME_PATTERN = /^[A-Za-z0-9._-]{3,64}$/

export const registerSchema = z
  .object({
    username: field.pipe(z.string().trim().min(1, 'auth.errUsernameRequired').regex(USERNAME_PATTERN, 'auth.errUsernameFormat')),
    email: field.pipe(z.string().trim().min(1, 'auth.errEmailRequired')).pipe(emailField),
    password: field,
    confirmPassword: field,
  })
  .superRefine((v, ctx) => {
    if (v.password.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'auth.errPasswordRequired' })
    } else {
      const problem = passwordProblem(v.password, v.username)
      if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: PASSWORD_MESSAGES[problem] })
    }
    if (v.confirmPassword.length === 0) ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: 'auth.errConfirmRequired' })
    else if (v.password !== v.confirmPassword) ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: 'auth.errConfirmMismatch' })
  })

export const codeSchema = z.object({
  code: field.pipe(z.string().trim().min(1, 'auth.errCodeRequired').max(32, 'auth.errCodeWrong')),
})

export const forgotSchema = z.object({
  username: field.pipe(z.string().trim().min(1, 'auth.errUsernameRequired').max(64, 'auth.errUsernameFormat')),
})

export const forgotUsernameSchema = z.object({
  email: field.pipe(z.string().trim().min(1, 'auth.errEmailRequired')).pipe(emailField),
})

export const resetSchema = z
  .object({ password: field, confirmPassword: field })
  .superRefine((v, ctx) => {
    if (v.password.length === 0) ctx.addIssue({ code: 'custom', path: ['password'], message: 'auth.errNewPasswordRequired' })
    else {
      const problem = passwordProblem(v.password)
      if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: PASSWORD_MESSAGES[problem] })
    }
    if (v.confirmPassword.length === 0) ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: 'auth.errConfirmRequired' })
    else if (v.password !== v.confirmPassword) ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: 'auth.errConfirmMismatch' })
  })
