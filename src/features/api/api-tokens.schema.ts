import { z } from 'zod'
import { isUuid } from '../../platform/ids.ts'
import { EXPIRY_DAYS, SCOPES } from './api-tokens.service.ts'

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '')
const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v])

/** The "Create a token" form; messages are catalog keys. */
export const createTokenSchema = z.object({
  name: z.preprocess(text, z.string().min(1, 'api.tokens.errNameRequired').max(100, 'api.tokens.errNameTooLong')),
  scopes: z.preprocess(list, z.array(z.enum(SCOPES, { error: 'api.tokens.errScopes' }), { error: 'api.tokens.errScopes' }).min(1, 'api.tokens.errScopes').max(SCOPES.length, 'api.tokens.errScopes')),
  days: z.preprocess(
    (v) => (typeof v === 'string' && /^\d{1,3}$/.test(v) ? Number(v) : v),
    z.number({ error: 'api.tokens.errExpiry' }).refine((n) => (EXPIRY_DAYS as readonly number[]).includes(n), 'api.tokens.errExpiry'),
  ),
  business: z.preprocess(text, z.string().refine(isUuid, 'api.tokens.errBusiness')),
})
export type CreateTokenForm = z.infer<typeof createTokenSchema>
