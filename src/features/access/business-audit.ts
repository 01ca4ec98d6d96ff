import { sql } from 'kysely'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import type { MessageKey } from '../../i18n/i18n.ts'
import { formatInZone } from '../../platform/dates.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { html } from '../../platform/html.ts'
import { requireEmployer } from '../auth/guards.ts'
import { actingMembership } from './access.policy.ts'
import { currentMembership } from './active-business.ts'

export const BUSINESS_AUDIT_PAGE_SIZE = 50

/** The words for each action a business's audit trail may hold (business-audit.test.ts finds any the code writes without one). */
export const ACTION_LABELS: Record<string, MessageKey> = {
  'access.pin_issued': 'access.audit.actions.pinIssued',
  'access.pin_reissued': 'access.audit.actions.pinReissued',
  'access.pin_revoked': 'access.audit.actions.pinRevoked',
  'access.pin_used': 'access.audit.actions.pinUsed',
  'access.pin_locked': 'access.audit.actions.pinLocked',
  'access.member_deleted': 'access.audit.actions.memberDeleted',
  'access.branch_created': 'access.audit.actions.branchCreated',
  'access.primary_transferred': 'access.audit.actions.primaryTransferred',
  'access.business_switched': 'access.audit.actions.businessSwitched',
  'access.pin_reset_requested': 'access.audit.actions.pinResetRequested',
  'access.pin_reset_refused': 'access.audit.actions.pinResetRefused',
  'access.business_dormant': 'access.audit.actions.businessDormant',
  'access.business_reactivated': 'access.audit.actions.businessReactivated',
  'enrolment.approved': 'access.audit.actions.enrolmentApproved',
  'transfer.approved': 'access.audit.actions.transferApproved',
  'offer.draft_created': 'access.audit.actions.offerDraftCreated',
  'offer.section_saved': 'access.audit.actions.offerSectionSaved',
  'offer.document_added': 'access.audit.actions.offerDocumentAdded',
  'offer.document_removed': 'access.audit.actions.offerDocumentRemoved',
  'offer.draft_deleted': 'access.audit.actions.offerDraftDeleted',
  'offer.copied': 'access.audit.actions.offerCopied',
  'offer.submission_started': 'access.audit.actions.offerSubmissionStarted',
  'offer.reopened': 'access.audit.actions.offerReopened',
  'offer.submitted': 'access.audit.actions.offerSubmitted',
  'offer.withdrawn': 'access.audit.actions.offerWithdrawn',
  'offer.matched': 'access.audit.actions.offerMatched',
  'offer.unmatched': 'access.audit.actions.offerUnmatched',
  'offer.match_refused': 'access.audit.actions.offerMatchRefused',
  'offer.work_permit_issued': 'access.audit.actions.workPermitIssued',
  'offer.work_permit_refused': 'access.audit.actions.workPermitRefused',
  'offer.corrected': 'access.audit.actions.offerCorrected',
  'offer.fee_review_assigned': 'access.audit.actions.offerFeeReviewAssigned',
  'offer.fee_exemption_accepted': 'access.audit.actions.offerFeeExemptionAccepted',
  'offer.fee_exemption_refused': 'access.audit.actions.offerFeeExemptionRefused',
  'payment.started': 'access.audit.actions.paymentStarted',
  'payment.approved': 'access.audit.actions.paymentApproved',
  'payment.declined': 'access.audit.actions.paymentDeclined',
  'payment.cancelled': 'access.audit.actions.paymentCancelled',
  'payment.expired': 'access.audit.actions.paymentExpired',
  'payment.failed': 'access.audit.actions.paymentFailed',
  'payment.refunded': 'access.audit.actions.paymentRefunded',
  'api_token.created': 'access.audit.actions.apiTokenCreated',
  'api_token.revoked': 'access.audit.actions.apiTokenRevoked',
  'inspection.export_requested': 'access.audit.actions.inspectionExportRequested',
  'inspection.export_downloaded': 'access.audit.actions.inspectionExportDownloaded',
  'retention.purged': 'access.audit.actions.retentionPurged',
  'transfer.requested': 'access.audit.actions.transferRequested',
  'transfer.refused': 'access.audit.actions.transferRefused',
  'access.pin_reset_assigned': 'access.audit.actions.pinResetAssigned',
  'demo.business_created': 'access.audit.actions.demoBusinessCreated',
}

/** The business's audit trail (newest first, keyset pages of 50), for its primary user only. */
export async function businessAuditPage(request: FastifyRequest, reply: FastifyReply, deps: { db: Db; timeZone: string }): Promise<FastifyReply> {
  const user = requireEmployer(request, reply)
  if (!user) return reply
  const { t, lang } = request
  const q = request.query as Record<string, unknown>
  const asked = typeof q.business === 'string' && q.business ? q.business : undefined
  const m = asked ? await actingMembership(deps.db, user.id, asked) : await currentMembership(deps.db, request, user.id)
  if (asked && !m) throw new NotFoundError()
  if (!m || m.role !== 'primary') {
    return reply.page({ title: t('access.audit.notAllowedTitle'), body: html`<h1>${t('access.audit.notAllowedTitle')}</h1><p>${t('access.audit.notAllowedBody')}</p>` }, 403)
  }
  const cursor = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)_(\d{1,15})$/.exec(typeof q.before === 'string' ? q.before : '')
  const before = cursor && !Number.isNaN(Date.parse(cursor[1]!)) ? { at: new Date(cursor[1]!), id: Number(cursor[2]) } : undefined
  let query = deps.db
    .selectFrom('audit_event as a')
    .leftJoin('app_user as u', 'u.id', 'a.actor_user_id')
    .select(['a.id', 'a.occurred_at', 'a.action', 'a.actor_label', 'a.ip', 'a.object_type', 'u.role', 'u.given_name', 'u.family_name'])
    .where('a.business_id', '=', m.businessId)
  if (before) query = query.where((eb) => eb.or([eb('a.occurred_at', '<', before.at), eb.and([eb('a.occurred_at', '=', before.at), eb('a.id', '<', before.id)])]))
  const rows = await query.orderBy('a.occurred_at', 'desc').orderBy('a.id', 'desc').limit(sql.lit(BUSINESS_AUDIT_PAGE_SIZE + 1)).execute()
  const page = rows.slice(0, BUSINESS_AUDIT_PAGE_SIZE)
  const last = page[page.length - 1]
  // Officers are "the department" (their names and addresses are not the business's to know); scheduled jobs are "the portal".
  const who = (r: (typeof page)[number]) =>
    r.role === 'officer' || r.role === 'administrator' ? t('access.audit.department') : r.actor_label === 'system' ? t('access.audit.system') : [r.given_name, r.family_name].filter(Boolean).join(' ') || r.actor_label
  const what = (action: string) => (ACTION_LABELS[action] ? t(ACTION_LABELS[action]) : action)
  return reply.page({
    title: t('access.audit.title'),
    breadcrumbs: [
      { text: t('common.home'), href: `/${lang}/home` },
      { text: t('access.manageTitle'), href: `/${lang}/access` },
    ],
    body: html`<h1>${t('access.audit.title')}</h1>
<p>${t('access.audit.lead', { business: m.businessName })}</p>
${
  page.length === 0
    ? html`<p>${t('access.audit.none')}</p>`
    : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table" id="business-audit">
<caption class="visually-hidden">${t('access.audit.title')}</caption>
<thead><tr><th scope="col">${t('access.audit.when')}</th><th scope="col">${t('access.audit.who')}</th><th scope="col">${t('access.audit.what')}</th><th scope="col">${t('access.audit.where')}</th></tr></thead>
<tbody>${page.map(
        (r) =>
          html`<tr><td>${formatInZone(lang, r.occurred_at, deps.timeZone, 'precise')}</td><td>${who(r)}</td><td>${what(r.action)}</td><td>${r.role === 'employer' ? (r.ip ?? '') : ''}</td></tr>`,
      )}</tbody></table></div>`
}
<nav aria-label="${t('access.audit.pages')}"><ul class="pagination">${before ? html`<li><a href="/${lang}/access/audit">${t('access.audit.newest')}</a></li>` : ''}${
      rows.length > BUSINESS_AUDIT_PAGE_SIZE && last ? html`<li><a href="/${lang}/access/audit?before=${encodeURIComponent(`${last.occurred_at.toISOString()}_${last.id}`)}">${t('access.audit.older')}</a></li>` : ''
    }</ul></nav>`,
  })
}
