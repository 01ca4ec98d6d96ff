import { z } from 'zod'
import { optionalEmailField } from '../../ui/email-field.ts'

/** Administration forms and the problem report form. Messages are catalog keys. */
const str = z.preprocess((v) => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : ''), z.string())

/** `confirm`: the answer on the page that asks before the fee changes ('yes', 'no', or none yet). */
export const feeForm = z.object({ action: str.pipe(z.enum(['save', 'reset']).catch('save')), amount: str.pipe(z.string().trim()), confirm: str.pipe(z.enum(['yes', 'no', '']).catch('')) })

/** The times are read by the route (parseLocalTime, in the portal's zone): each field's own message when empty or not a time. */
export const maintenanceForm = z.object({
  announceFrom: str.pipe(z.string().trim()),
  startsAt: str.pipe(z.string().trim()),
  endsAt: str.pipe(z.string().trim()),
  messageEn: str.pipe(z.string().trim().max(500, 'consoleAdmin.maintenance.errMessageEnLong')),
  messageFr: str.pipe(z.string().trim().max(500, 'consoleAdmin.maintenance.errMessageFrLong')),
})
export const MAINTENANCE_FIELDS = ['announceFrom', 'startsAt', 'endsAt', 'messageEn', 'messageFr'] as const
export const MAINTENANCE_TIME_FIELDS = ['announceFrom', 'startsAt', 'endsAt'] as const

export const helpForm = z.object({
  en: str.pipe(z.string().max(10_000, 'consoleAdmin.help.errLong')),
  fr: str.pipe(z.string().max(10_000, 'consoleAdmin.help.errLong')),
})

export const reportForm = z.object({
  description: str.pipe(z.string().trim().min(1, 'consoleAdmin.report.errDescription').max(5000, 'consoleAdmin.report.errDescriptionLong')),
  page: str.pipe(z.string().trim().max(500, 'consoleAdmin.report.errPageLong')),
  email: str.pipe(optionalEmailField),
})
export const REPORT_FIELDS = ['description', 'page', 'email', 'screenshot'] as const

export const reportStatusForm = z.object({
  status: str.pipe(z.enum(['new', 'in_progress', 'resolved'], { message: 'consoleAdmin.problems.errStatus' })),
  note: str.pipe(z.string().trim().max(2000, 'consoleAdmin.problems.errNoteLong')),
})

export const purgeForm = z.object({
  ids: z.preprocess((v) => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []), z.array(z.string().uuid()).min(1, 'consoleAdmin.retention.errNone').max(200)),
  reason: str.pipe(z.string().trim().min(1, 'consoleAdmin.retention.errReason').max(500, 'consoleAdmin.retention.errReason')),
  confirm: str.pipe(z.literal('yes', { message: 'consoleAdmin.retention.errConfirm' })),
})
