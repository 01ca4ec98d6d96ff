import type { Transaction } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { Database } from '../../db/database.ts'
import type { Lang } from '../../i18n/i18n.ts'
import { emailField } from '../../ui/email-field.ts'
import { insertAccountMessage, insertOutboxEmail, offerOfMessage } from './notifications.repository.ts'
import { renderMessage, type NotificationParams } from './render.ts'
import { aboutOf, type TemplateName, type TemplateParams } from './templates.ts'

export interface NotifyInput<K extends TemplateName> {
  template: K
  params: TemplateParams<K>
  /** The recipient's preferred language of notification. */
  lang: Lang
  /** Queue an e-mail to this address (the dispatcher sends it after the commit). */
  email?: { to: string }
  /** Show a message in the portal: to one user, or to a business (its users who may see it). */
  accountMessage?: { userId: string } | { businessId: string }
  /** The offer (and fee payment) a notification about an offer is about, when the caller holds them: else looked up by its number or receipt. */
  ids?: OfferIds
  now: Date
}

export interface OfferIds {
  offerId: string
  paymentId?: string
}

export interface Notified {
  accountMessageId?: string
  outboxId?: string
}

export class InvalidRecipientError extends Error {
  constructor(address: string) {
    super(`Refusing to queue an e-mail to an invalid address (${JSON.stringify(address)}): forms must check it with emailField`)
    this.name = 'InvalidRecipientError'
  }
}

/**
 * The one way every feature notifies someone. Pass the transaction of the change
 * that causes the notification: the account message and the outbox row are written
 * in it, so a change that rolls back sends nothing and a change that commits always
 * has its notification. Nothing is sent here; the dispatcher sends after the commit.
 */
export async function notify<K extends TemplateName>(db: Db | Transaction<Database>, input: NotifyInput<K>): Promise<Notified> {
  let params = input.params as NotificationParams
  const result: Notified = {}
  // Renders now: an unknown template or a missing message fails the change, not the send.
  const rendered = renderMessage(input.template, input.lang, params)
  // About an offer: its ids kept with the params, for the message's links and the e-mail's (templates.ts `about`).
  const about = aboutOf(input.template)
  const offer = about ? (input.ids ?? (await offerOfMessage(db, about, params))) : undefined
  if (offer) params = { ...params, offerId: offer.offerId, ...(offer.paymentId ? { paymentId: offer.paymentId } : {}) }
  if (input.accountMessage) {
    const owner = input.accountMessage
    result.accountMessageId = await insertAccountMessage(db, {
      user_id: 'userId' in owner ? owner.userId : null,
      business_id: 'businessId' in owner ? owner.businessId : null,
      template: input.template,
      params,
      lang: input.lang,
      subject: rendered.subject,
      body: rendered.body,
      created_at: input.now,
    })
  }
  if (input.email) {
    const address = emailField.safeParse(input.email.to)
    if (!address.success) throw new InvalidRecipientError(input.email.to)
    result.outboxId = await insertOutboxEmail(db, {
      to_address: address.data,
      lang: input.lang,
      template: input.template,
      params,
      created_at: input.now,
    })
  }
  return result
}

/**
 * `notify()` for one user, in their preferred language of notification and at their
 * contact e-mail (if they have one): the usual case, so a feature cannot pick the
 * wrong language. `email` and `accountMessage` default to true.
 */
export async function notifyUser<K extends TemplateName>(
  db: Db | Transaction<Database>,
  input: { userId: string; template: K; params: TemplateParams<K>; ids?: OfferIds; now: Date; email?: boolean; accountMessage?: boolean },
): Promise<Notified> {
  const user = await db.selectFrom('app_user').select(['email', 'preferred_language']).where('id', '=', input.userId).executeTakeFirstOrThrow()
  return notify(db, {
    template: input.template,
    params: input.params,
    lang: user.preferred_language,
    email: input.email !== false && user.email ? { to: user.email } : undefined,
    accountMessage: input.accountMessage !== false ? { userId: input.userId } : undefined,
    ids: input.ids,
    now: input.now,
  })
}
