import common from './common.messages.ts'
import errors from './errors.messages.ts'
import validation from './validation.messages.ts'
import home from '../features/home/home.messages.ts'
import auth from '../features/auth/auth.messages.ts'
import account from '../features/account/account.messages.ts'
import enrolment from '../features/enrolment/enrolment.messages.ts'
import consoleMessages from '../features/console/console.messages.ts'
import consoleWork from '../features/console/work.messages.ts'
import consoleAdmin from '../features/console/admin.messages.ts'
import offers from '../features/offers/offers.messages.ts'
import access from '../features/access/access.messages.ts'
import forms from '../ui/forms.messages.ts'
import notifications from '../features/notifications/notifications.messages.ts'
import reference from '../features/reference/reference.messages.ts'
import payment from '../features/payment/payment.messages.ts'
import testGateway from '../features/payment/test-gateway.messages.ts'
import api from '../features/api/api.messages.ts'
import type { Lang, LeafPaths, MessageTree } from './define.ts'

/**
 * Every namespace of the portal. A feature adds its `<feature>.messages.ts` here
 * (one import, one line in `namespaces`).
 */
export const namespaces = {
  common,
  errors,
  validation,
  forms,
  home,
  auth,
  account,
  enrolment,
  console: consoleMessages,
  consoleWork,
  consoleAdmin,
  offers,
  access,
  notifications,
  reference,
  payment,
  testGateway,
  api,
} as const

type Namespaces = typeof namespaces
export type EnglishCatalog = { [N in keyof Namespaces]: Namespaces[N]['en'] }
export type MessageKey = LeafPaths<EnglishCatalog>

export const catalogs: Record<Lang, MessageTree> = {
  en: Object.fromEntries(Object.entries(namespaces).map(([ns, m]) => [ns, m.en])),
  fr: Object.fromEntries(Object.entries(namespaces).map(([ns, m]) => [ns, m.fr])),
}
