import { z } from 'zod'
import type { MessageKey } from '../../i18n/i18n.ts'
import { optionalEmailField } from '../../ui/email-field.ts'
import { PROVINCE_CODES } from '../reference/lists.ts'
import { personNameSchema, postalCodeSchema } from '../reference/validators.schema.ts'

const str = z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string())
const required = (message: MessageKey) => str.pipe(z.string().trim().min(1, message).max(200, 'access.errTooLong'))
/** A person's name: its own "Enter …" message, then the shared name rules. */
const personName = (message: MessageKey) => str.pipe(z.string().trim().min(1, message)).pipe(personNameSchema)

export const personFields = {
  givenNames: personName('access.errGivenNames'),
  familyName: personName('access.errFamilyName'),
  email: str.pipe(optionalEmailField),
}

export const createUserSchema = z.object({
  ...personFields,
  /** A branch id (the primary user may add a user to one branch), or '' for the whole business. */
  branch: str,
  attest: str.pipe(z.literal('yes', { message: 'access.errAttest' })),
})
export const CREATE_USER_FIELDS = ['givenNames', 'familyName', 'email', 'branch', 'attest'] as const

export const joinSchema = z.object({
  givenNames: personName('access.errGivenNames'),
  familyName: personName('access.errFamilyName'),
  pin: str.pipe(z.string().trim().min(1, 'access.errPinRequired').max(40, 'access.errPinInvalid')),
})
export const JOIN_FIELDS = ['givenNames', 'familyName', 'pin'] as const

export const branchSchema = z.object({
  name: required('access.errBranchName'),
  street: required('access.errStreet'),
  city: required('access.errCity'),
  province: str.pipe(z.enum(PROVINCE_CODES as unknown as [string, ...string[]], { message: 'access.errProvince' })),
  postalCode: str.pipe(postalCodeSchema),
  ...personFields,
})
export const BRANCH_FIELDS = ['name', 'street', 'city', 'province', 'postalCode', 'givenNames', 'familyName', 'email'] as const
