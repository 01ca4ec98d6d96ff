import { pluralKey, type Lang, type Translate } from '../../i18n/i18n.ts'
import { formatInZone, formatterInZone } from '../../platform/dates.ts'
import { html, type Html } from '../../platform/html.ts'
import { summaryList } from '../../ui/components.ts'
import type { DevMailboxRow } from './notifications.tables.ts'
import type { MessageLinks, MessagesPage } from './notifications.service.ts'
import { paragraphs } from './render.ts'

/** The zone messages' times are shown in. */
const MESSAGES_ZONE = 'America/Toronto'

/** Dates and times as people in Canada read them, in the page's language. */
export function formatDateTime(date: Date, lang: Lang): string {
  return formatInZone(lang, date, MESSAGES_ZONE, 'dateTime')
}

export const messagesPath = (lang: Lang, page?: number) => `/${lang}/messages${page && page > 1 ? `?page=${page}` : ''}`
export const messagePath = (lang: Lang, id: string) => `/${lang}/messages/${id}`

/** The header link with the unread count; features that own the account area may render it in theirs. */
export function unreadBadge(count: number, t: Translate, lang: Lang): Html {
  return html`<p class="account-messages"><a href="${messagesPath(lang)}">${count > 0 ? t(pluralKey(lang, 'notifications.badge', count), { count }) : t('notifications.badgeNone')}</a></p>`
}

/**
 * Which business a business's message is about: named when the person acts for several (`businessNames`,
 * their businesses by id), else "For your business". Empty for their own messages.
 */
function aboutWhom(t: Translate, m: { forBusiness: boolean; businessId: string | null }, businessNames?: ReadonlyMap<string, string>): string {
  if (!m.forBusiness) return ''
  const name = businessNames && businessNames.size > 1 && m.businessId ? businessNames.get(m.businessId) : undefined
  return name ? t('notifications.aboutBusiness', { business: name }) : t('notifications.fromBusiness')
}

/** "3 unread", or "No unread messages" rather than "0 unread". */
function unreadLine(t: Translate, lang: Lang, unread: number): string {
  return unread === 0 ? t('notifications.noUnread') : t(pluralKey(lang, 'notifications.unreadCount', unread), { count: unread })
}

export function messagesListView(t: Translate, lang: Lang, p: MessagesPage, businessNames?: ReadonlyMap<string, string>): Html {
  if (p.total === 0) {
    return html`<h1>${t('notifications.messagesTitle')}</h1><p>${t('notifications.noMessages')}</p>`
  }
  // Found once for the list's rows, as the offer queue does (formatterInZone).
  const received = formatterInZone(lang, MESSAGES_ZONE, 'dateTime')
  return html`<h1>${t('notifications.messagesTitle')}</h1>
<p>${unreadLine(t, lang, p.unread)}</p>
<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}">
<table class="table messages-table">
<caption class="visually-hidden">${t('notifications.messagesTitle')}</caption>
<thead><tr><th scope="col">${t('notifications.subject')}</th><th scope="col">${t('notifications.received')}</th><th scope="col">${t('notifications.status')}</th></tr></thead>
<tbody>
${p.items.map(
  (m) => html`<tr class="${m.unread ? 'message-unread' : 'message-read'}">
<td>${m.unread ? html`<strong><a href="${messagePath(lang, m.id)}">${m.subject}</a></strong>` : html`<a href="${messagePath(lang, m.id)}">${m.subject}</a>`}${
    m.forBusiness ? html`<br><span class="hint">${aboutWhom(t, m, businessNames)}</span>` : ''
  }</td>
<td><time datetime="${m.createdAt.toISOString()}">${received(m.createdAt)}</time></td>
<td>${m.unread ? html`<span class="tag tag-blue">${t('notifications.unread')}</span>` : t('notifications.read')}</td>
</tr>`,
)}
</tbody>
</table>
</div>
${pagination(t, lang, p)}`
}

function pagination(t: Translate, lang: Lang, p: MessagesPage): Html | '' {
  if (p.pages <= 1) return ''
  return html`<nav class="pagination" aria-label="${t('notifications.pagination')}">
<ul>
${p.page > 1 ? html`<li><a rel="prev" href="${messagesPath(lang, p.page - 1)}">${t('notifications.previousPage')}</a></li>` : ''}
<li aria-current="page">${t('notifications.pageOf', { page: p.page, pages: p.pages })}</li>
${p.page < p.pages ? html`<li><a rel="next" href="${messagesPath(lang, p.page + 1)}">${t('notifications.nextPage')}</a></li>` : ''}
</ul>
</nav>`
}

export function messageView(
  t: Translate,
  lang: Lang,
  m: { subject: string; body: string; createdAt: Date; forBusiness: boolean; businessId?: string | null; links?: MessageLinks },
  businessNames?: ReadonlyMap<string, string>,
): Html {
  const links = [
    m.links?.offer ? html`<li><a href="${m.links.offer}">${t('notifications.offerLink')}</a></li>` : '',
    m.links?.receipt ? html`<li><a href="${m.links.receipt}" download>${t('notifications.receiptLink')}</a></li>` : '',
  ]
  return html`<h1>${m.subject}</h1>
<p class="hint">${t('notifications.receivedOn', { date: formatDateTime(m.createdAt, lang) })}${m.forBusiness ? html` · ${aboutWhom(t, { forBusiness: true, businessId: m.businessId ?? null }, businessNames)}` : ''}</p>
<div class="message-body">${paragraphs(m.body)}</div>
${m.links?.offer || m.links?.receipt ? html`<ul class="message-links">${links}</ul>` : ''}
<p><a href="${messagesPath(lang)}">${t('notifications.backToMessages')}</a></p>`
}

export function mailboxView(t: Translate, lang: Lang, mails: DevMailboxRow[], smtpConfigured: boolean): Html {
  return html`<h1>${t('notifications.mailbox.title')}</h1>
<p class="lead">${t('notifications.mailbox.lead')}</p>
${smtpConfigured ? html`<p><strong>${t('notifications.mailbox.smtpConfigured')}</strong></p>` : ''}
${
  mails.length === 0
    ? html`<p>${t('notifications.mailbox.empty')}</p>`
    : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table mailbox-table">
<caption class="visually-hidden">${t('notifications.mailbox.title')}</caption>
<thead><tr><th scope="col">${t('notifications.mailbox.to')}</th><th scope="col">${t('notifications.subject')}</th><th scope="col">${t('notifications.received')}</th></tr></thead>
<tbody>
${mails.map(
  (m) => html`<tr><td>${m.to_address}</td><td><a href="/dev/mailbox/${m.id}">${m.subject}</a></td><td><time datetime="${m.received_at.toISOString()}">${formatDateTime(m.received_at, lang)}</time></td></tr>`,
)}
</tbody></table></div>`
}`
}

export function mailView(t: Translate, m: DevMailboxRow): Html {
  return html`<h1>${m.subject}</h1>
${summaryList([
  { key: t('notifications.mailbox.to'), value: m.to_address },
  { key: t('notifications.mailbox.from'), value: m.from_address },
  { key: t('notifications.mailbox.replyTo'), value: m.reply_to },
  { key: t('notifications.mailbox.language'), value: m.lang },
  { key: t('notifications.mailbox.messageId'), value: m.message_id },
])}
<h2>${t('notifications.mailbox.textVersion')}</h2>
<pre class="mail-text">${m.text_body}</pre>
<p><a href="/dev/mailbox/${m.id}/html">${t('notifications.mailbox.htmlVersion')}</a></p>
<p><a href="/dev/mailbox">${t('notifications.mailbox.backToMailbox')}</a></p>`
}

/**
 * The "Account messages" panel of a home page: the newest messages (unread first in
 * weight, not order) or "You have no messages.", and a link to all of them.
 * `messagesPanel(t, lang, await latestMessages(db, userId, lang))`.
 */
export function messagesPanel(t: Translate, lang: Lang, p: MessagesPage, headingLevel: 2 | 3 = 2): Html {
  const heading = headingLevel === 2 ? html`<h2 id="account-messages-title">${t('notifications.messagesTitle')}</h2>` : html`<h3 id="account-messages-title">${t('notifications.messagesTitle')}</h3>`
  if (p.total === 0) return html`<section class="messages-panel" aria-labelledby="account-messages-title">${heading}<p>${t('notifications.noMessages')}</p></section>`
  return html`<section class="messages-panel" aria-labelledby="account-messages-title">${heading}
<p>${unreadLine(t, lang, p.unread)}</p>
<ul>
${p.items.map(
  (m) => html`<li class="${m.unread ? 'message-unread' : 'message-read'}"><a href="${messagePath(lang, m.id)}">${m.unread ? html`<strong>${m.subject}</strong>` : m.subject}</a> <span class="hint"><time datetime="${m.createdAt.toISOString()}">${formatDateTime(m.createdAt, lang)}</time>${m.unread ? html` · ${t('notifications.unread')}` : ''}</span></li>`,
)}
</ul>
<p><a href="${messagesPath(lang)}">${t('notifications.allMessages', { count: p.total })}</a></p>
</section>`
}
