import type { Db } from '../../db/connect.ts'
import { cachedRead } from '../../db/read-cache.ts'
import type { SessionCompanion } from '../../platform/session-store.ts'
import type { Lang } from '../../i18n/i18n.ts'
import type { NotificationParams } from './render.ts'
import {
  businessIdsQuery,
  countUnreadQuery,
  unreadIn,
  findVisibleMessage,
  listMessages,
  messagesWithCounts,
  markRead,
  offerOfMessage,
  type Reader,
} from './notifications.repository.ts'
import { renderMessage, renderSubject } from './render.ts'
import { aboutOf, isTemplateName } from './templates.ts'
import { activeMembership } from '../access/access.policy.ts'
import { canSeeOffer } from '../offers/offers.service.ts'

export const PAGE_SIZE = 20

export async function readerFor(db: Db, userId: string): Promise<Reader> {
  return { userId, businessIds: await cachedRead(db, `businessIds:${userId}`, () => businessIdsQuery(db, userId), (rows) => rows.map((r) => r.business_id)) }
}

type StoredMessage = { template: string; params: NotificationParams; subject: string; body: string }

/**
 * A message's words in the page's language: its template rendered again when the template
 * still exists (a business message is read by people of both languages), else `stored`,
 * written in the recipient's language when it was sent.
 */
function inPageLanguage<T>(m: Pick<StoredMessage, 'template'>, render: (template: string) => T, stored: () => T): T {
  if (isTemplateName(m.template)) {
    try {
      return render(m.template)
    } catch {
      // A message key retired since: fall back to the stored text.
    }
  }
  return stored()
}

/** What a message says: subject and body. */
export function messageText(m: StoredMessage, lang: Lang): { subject: string; body: string } {
  return inPageLanguage(m, (template) => renderMessage(template, lang, m.params), () => ({ subject: m.subject, body: m.body }))
}

/** Its subject alone: what a list of messages shows (a body is several times longer). */
export function messageSubject(m: Omit<StoredMessage, 'body'>, lang: Lang): string {
  return inPageLanguage(m, (template) => renderSubject(template, lang, m.params), () => m.subject)
}

export interface MessageListItem {
  id: string
  subject: string
  createdAt: Date
  unread: boolean
  forBusiness: boolean
  /** The business a business's message is about (null for the person's own). */
  businessId: string | null
}

export interface MessagesPage {
  items: MessageListItem[]
  page: number
  pages: number
  total: number
  unread: number
}

/**
 * One page of a user's messages (their own and their businesses'), newest first.
 * `businessIds`: the user's businesses when the request has read them already (its memberships).
 */
export async function messagesPage(db: Db, userId: string, page: number, lang: Lang, businessIds?: readonly string[]): Promise<MessagesPage> {
  const reader = businessIds ? { userId, businessIds } : await readerFor(db, userId)
  // The list's columns: no bodies (messageSubject renders each subject from its template).
  const counts = await messagesWithCounts(db, reader, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, 'list')
  const pages = Math.max(1, Math.ceil(counts.total / PAGE_SIZE))
  const current = Math.min(page, pages)
  // A page past the last (an old link, a typed address) shows the last: asked for again, rarely.
  const rows = current === page ? counts.rows : await listMessages(db, reader, { limit: PAGE_SIZE, offset: (current - 1) * PAGE_SIZE }, 'list')
  return {
    items: rows.map((r) => ({
      id: r.id,
      subject: messageSubject(r, lang),
      createdAt: r.created_at,
      unread: r.read_at === null,
      forBusiness: r.business_id !== null,
      businessId: r.business_id,
    })),
    page: current,
    pages,
    total: counts.total,
    unread: counts.unread,
  }
}

/** Where a message about an offer leads: the offer's page, and a receipt's PDF. */
export interface MessageLinks {
  offer?: string
  receipt?: string
}

/**
 * The links of a message about an offer (templates.ts `about`), only while this reader may
 * still see the offer: an active member of its business (not dormant), of its branch or the
 * whole business, as the offer's pages decide (they check again).
 */
async function messageLinks(db: Db, userId: string, message: { template: string; params: NotificationParams }, lang: Lang): Promise<MessageLinks> {
  const about = aboutOf(message.template)
  const offer = about ? await offerOfMessage(db, about, message.params) : undefined
  if (!offer || !canSeeOffer(await activeMembership(db, userId, offer.businessId), { business_id: offer.businessId, branch_id: offer.branchId })) return {}
  const page = `/${lang}/offers/${offer.offerId}`
  return { offer: page, receipt: offer.paymentId ? `${page}/payments/${offer.paymentId}/receipt.pdf` : undefined }
}

/** A message this user may see, marked read for them, with its links; undefined when there is none. */
export async function openMessage(db: Db, userId: string, id: string, now: Date, lang: Lang) {
  const reader = await readerFor(db, userId)
  const message = await findVisibleMessage(db, reader, id)
  if (!message) return undefined
  await markRead(db, message, userId, now)
  return { ...messageText(message, lang), createdAt: message.created_at, forBusiness: message.business_id !== null, businessId: message.business_id, links: await messageLinks(db, userId, message, lang) }
}

/** The header's count, read with the session (one statement for both; `takeSessionCompanion`). */
export const unreadWithSession: SessionCompanion = {
  name: 'unread',
  select: (db, userId) => countUnreadQuery(db, userId),
}

/** The header's count: one query, and on the embedded database none until a table it reads is written (read-cache.ts). */
export async function unreadCount(db: Db, userId: string): Promise<number> {
  return cachedRead(db, `unread:${userId}`, () => countUnreadQuery(db, userId), unreadIn)
}

/** The newest few messages, for the "Account messages" panel of a home page (`messagesPanel`). */
export async function latestMessages(db: Db, userId: string, lang: Lang, limit = 5): Promise<MessagesPage> {
  const all = await messagesPage(db, userId, 1, lang)
  return { ...all, items: all.items.slice(0, limit) }
}
