import type { EnglishCatalog, MessageKey } from '../../i18n/catalog.ts'
import type { NotificationParam } from './render.ts'

/**
 * Every notification the portal sends. A template is a subject and a body, each a
 * message key (in any feature's messages file) with `{params}`; `path` is where the
 * e-mail's link back to the portal points (after `/{lang}`; the portal's home by
 * default, `/messages` for a notification that is also an account message). Adding a notification is one entry here plus its two messages.
 * `about`: the notification is about an offer, named by its `offerNumber` param, or about the
 * receipt of an offer's fee, named by its `receipt` param: the account message links to the offer
 * (and to the receipt's PDF) while its reader may still see it, and the e-mail links to the offer.
 */
export interface Template {
  subject: MessageKey
  body: MessageKey
  path?: string
  about?: MessageAbout
}

export type MessageAbout = 'offer' | 'receipt'

export const templates = {
  welcome: { subject: 'notifications.templates.welcome.subject', body: 'notifications.templates.welcome.body' },
  verifyEmail: { subject: 'auth.emails.verifyEmail.subject', body: 'auth.emails.verifyEmail.body', path: '/home' },
  resetPassword: { subject: 'auth.emails.resetPassword.subject', body: 'auth.emails.resetPassword.body', path: '/sign-in' },
  usernameReminder: { subject: 'auth.emails.usernameReminder.subject', body: 'auth.emails.usernameReminder.body', path: '/sign-in' },
  // Security e-mails: their link leads to Help and support, which the body names as the way to reach the department.
  passwordChanged: { subject: 'auth.emails.passwordChanged.subject', body: 'auth.emails.passwordChanged.body', path: '/help' },
  confirmNewEmail: { subject: 'auth.emails.confirmNewEmail.subject', body: 'auth.emails.confirmNewEmail.body', path: '/account/email' },
  emailChanged: { subject: 'auth.emails.emailChanged.subject', body: 'auth.emails.emailChanged.body', path: '/help' },
  twoFactorEnabled: { subject: 'auth.emails.twoFactorEnabled.subject', body: 'auth.emails.twoFactorEnabled.body', path: '/help' },
  authenticatorReplaced: { subject: 'auth.emails.authenticatorReplaced.subject', body: 'auth.emails.authenticatorReplaced.body', path: '/help' },
  recoveryCodesReplaced: { subject: 'auth.emails.recoveryCodesReplaced.subject', body: 'auth.emails.recoveryCodesReplaced.body', path: '/help' },
  recoveryCodeUsed: { subject: 'auth.emails.recoveryCodeUsed.subject', body: 'auth.emails.recoveryCodeUsed.body', path: '/help' },
  enrolmentApproved: { subject: 'enrolment.emails.approved.subject', body: 'enrolment.emails.approved.body', path: '/home' },
  enrolmentRefused: { subject: 'enrolment.emails.refused.subject', body: 'enrolment.emails.refused.body', path: '/home' },
  transferApproved: { subject: 'enrolment.transfer.emailApproved.subject', body: 'enrolment.transfer.emailApproved.body', path: '/home' },
  transferRefused: { subject: 'enrolment.transfer.emailRefused.subject', body: 'enrolment.transfer.emailRefused.body', path: '/home' },
  transferReplaced: { subject: 'enrolment.transfer.emailReplaced.subject', body: 'enrolment.transfer.emailReplaced.body', path: '/help' },
  accessPin: { subject: 'access.emails.pin.subject', body: 'access.emails.pin.body', path: '/join' },
  accessJoined: { subject: 'access.emails.joined.subject', body: 'access.emails.joined.body', path: '/access' },
  accessPrimaryTransferred: { subject: 'access.emails.transferred.subject', body: 'access.emails.transferred.body', path: '/messages' },
  accessPinResetToPrimary: { subject: 'access.emails.pinResetToPrimary.subject', body: 'access.emails.pinResetToPrimary.body', path: '/access' },
  accessPinResetReceived: { subject: 'access.emails.pinResetReceived.subject', body: 'access.emails.pinResetReceived.body', path: '/messages' },
  accessPinResetIssued: { subject: 'access.emails.pinResetIssued.subject', body: 'access.emails.pinResetIssued.body', path: '/join' },
  accessPinResetRefused: { subject: 'access.emails.pinResetRefused.subject', body: 'access.emails.pinResetRefused.body', path: '/messages' },
  accessPrimaryPinIssued: { subject: 'access.emails.primaryPinIssued.subject', body: 'access.emails.primaryPinIssued.body', path: '/help' },
  accessDormancyWarning18: { subject: 'access.emails.dormancyWarning18.subject', body: 'access.emails.dormancyWarning18.body', path: '/home' },
  accessDormancyWarning23: { subject: 'access.emails.dormancyWarning23.subject', body: 'access.emails.dormancyWarning23.body', path: '/home' },
  accessDormant: { subject: 'access.emails.dormant.subject', body: 'access.emails.dormant.body', path: '/dormancy/reactivate' },
  accessReactivated: { subject: 'access.emails.reactivated.subject', body: 'access.emails.reactivated.body', path: '/home' },
  accessReactivationRefused: { subject: 'access.emails.reactivationRefused.subject', body: 'access.emails.reactivationRefused.body', path: '/messages' },
  paymentReceipt: { subject: 'payment.emails.receipt.subject', body: 'payment.emails.receipt.body', path: '/messages', about: 'receipt' },
  paymentRefunded: { subject: 'payment.emails.refunded.subject', body: 'payment.emails.refunded.body', path: '/messages', about: 'receipt' },
  offerSubmitted: { subject: 'offers.emails.submitted.subject', body: 'offers.emails.submitted.body', path: '/offers', about: 'offer' },
  offerWithdrawn: { subject: 'offers.emails.withdrawn.subject', body: 'offers.emails.withdrawn.body', path: '/offers', about: 'offer' },
  offerFeeExemptionAccepted: { subject: 'offers.emails.feeAccepted.subject', body: 'offers.emails.feeAccepted.body', path: '/offers', about: 'offer' },
  offerFeeExemptionRefused: { subject: 'offers.emails.feeRefused.subject', body: 'offers.emails.feeRefused.body', path: '/offers', about: 'offer' },
  consoleOfferMatched: { subject: 'consoleWork.emails.matched.subject', body: 'consoleWork.emails.matched.body', path: '/messages', about: 'offer' },
  consoleOfferUnmatched: { subject: 'consoleWork.emails.unmatched.subject', body: 'consoleWork.emails.unmatched.body', path: '/messages', about: 'offer' },
  consoleWorkPermitIssued: { subject: 'consoleWork.emails.issued.subject', body: 'consoleWork.emails.issued.body', path: '/messages', about: 'offer' },
  consoleWorkPermitRefused: { subject: 'consoleWork.emails.refused.subject', body: 'consoleWork.emails.refused.body', path: '/messages', about: 'offer' },
  consoleOfferExemptionCorrected: { subject: 'consoleWork.emails.exemptionCorrected.subject', body: 'consoleWork.emails.exemptionCorrected.body', path: '/messages', about: 'offer' },
  consoleOfferPassportCorrected: { subject: 'consoleWork.emails.passportCorrected.subject', body: 'consoleWork.emails.passportCorrected.body', path: '/messages', about: 'offer' },
} as const satisfies Record<string, Template>

export type TemplateName = keyof typeof templates

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(templates, name)
}

/** What a notification is about (`about`): an offer, a fee's receipt, or nothing (an unknown template too). */
export function aboutOf(name: string): MessageAbout | undefined {
  return isTemplateName(name) ? (templates[name] as Template).about : undefined
}

/** The English text of a message key, as a literal type. */
type MessageText<T, P extends string> = P extends `${infer Head}.${infer Rest}`
  ? Head extends keyof T
    ? MessageText<T[Head], Rest>
    : never
  : P extends keyof T
    ? T[P]
    : never

/** The `{name}` placeholders of a message, as a union of names. */
type Placeholders<S> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never

type ParamNames<K extends TemplateName> =
  | Placeholders<MessageText<EnglishCatalog, (typeof templates)[K]['subject']>>
  | Placeholders<MessageText<EnglishCatalog, (typeof templates)[K]['body']>>

/** The params a template needs: exactly its placeholders (checked by the compiler). */
export type TemplateParams<K extends TemplateName> = { [P in ParamNames<K>]: NotificationParam }
