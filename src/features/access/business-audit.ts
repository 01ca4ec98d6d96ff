import { sql } from 'kysely'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import type { MessageKey } from '../../i18n/i18n.ts'
import { formatInZone } from '../../platform/dates.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { html } from '../../platform/html.ts'
import { isUuid } from '../../platform/ids.ts'
import { requireEmployer } from '../auth/guards.ts'
import { actingMembership } from './access.policy.ts'
import { currentMembership } from './active-business.ts'
import { notAllowedBody } from './access.views.ts'

export const BUSINESS_AUDIT_PAGE_SIZE = 50

/**
 * The words for each action the audit trail may hold: a business's trail and the console's read
 * them (business-audit.test.ts finds any action the code writes without one).
 */
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
  'inspection.document_opened': 'access.audit.actions.inspectionDocumentOpened',
  'inspection.offer_pdf_downloaded': 'access.audit.actions.inspectionOfferPdfDownloaded',
  'retention.purged': 'access.audit.actions.retentionPurged',
  'transfer.requested': 'access.audit.actions.transferRequested',
  'transfer.refused': 'access.audit.actions.transferRefused',
  'access.pin_reset_assigned': 'access.audit.actions.pinResetAssigned',
  'demo.business_created': 'access.audit.actions.demoBusinessCreated',
  // Never on a business's trail (a person's own account, the department's own work): the console's audit trail reads them.
  'access.dormancy_warned': 'access.audit.actions.dormancyWarned',
  'access.pin_attempt_failed': 'access.audit.actions.pinAttemptFailed',
  'access.reactivation_approved': 'access.audit.actions.reactivationApproved',
  'access.reactivation_assigned': 'access.audit.actions.reactivationAssigned',
  'access.reactivation_refused': 'access.audit.actions.reactivationRefused',
  'access.reactivation_requested': 'access.audit.actions.reactivationRequested',
  'access.user_dormant': 'access.audit.actions.userDormant',
  'access.user_reactivated': 'access.audit.actions.userReactivated',
  'account.contact_updated': 'access.audit.actions.contactUpdated',
  'auth.email_change_requested': 'access.audit.actions.emailChangeRequested',
  'auth.email_link_resent': 'access.audit.actions.emailLinkResent',
  'auth.email_verified': 'access.audit.actions.emailVerified',
  'auth.federated_failed': 'access.audit.actions.federatedFailed',
  'auth.federated_registered': 'access.audit.actions.federatedRegistered',
  'auth.federated_signed_in': 'access.audit.actions.federatedSignedIn',
  'auth.locked': 'access.audit.actions.locked',
  'auth.password_changed': 'access.audit.actions.passwordChanged',
  'auth.password_reset': 'access.audit.actions.passwordReset',
  'auth.recovery_code_used': 'access.audit.actions.recoveryCodeUsed',
  'auth.recovery_codes_replaced': 'access.audit.actions.recoveryCodesReplaced',
  'auth.registered': 'access.audit.actions.registered',
  'auth.reset_requested': 'access.audit.actions.resetRequested',
  'auth.second_factor_failed': 'access.audit.actions.secondFactorFailed',
  'auth.sign_in_failed': 'access.audit.actions.signInFailed',
  'auth.signed_in': 'access.audit.actions.signedIn',
  'auth.signed_out': 'access.audit.actions.signedOut',
  'auth.signed_out_everywhere': 'access.audit.actions.signedOutEverywhere',
  'auth.totp_enabled': 'access.audit.actions.totpEnabled',
  'auth.totp_replaced': 'access.audit.actions.totpReplaced',
  'auth.wrong_audience': 'access.audit.actions.wrongAudience',
  'demo.user_created': 'access.audit.actions.demoUserCreated',
  'enrolment.assigned': 'access.audit.actions.enrolmentAssigned',
  'enrolment.refused': 'access.audit.actions.enrolmentRefused',
  'enrolment.submitted': 'access.audit.actions.enrolmentSubmitted',
  'maintenance.cancelled': 'access.audit.actions.maintenanceCancelled',
  'maintenance.planned': 'access.audit.actions.maintenancePlanned',
  'problem_report.sent': 'access.audit.actions.problemReportSent',
  'problem_report.status_changed': 'access.audit.actions.problemReportStatusChanged',
  'settings.fee_changed': 'access.audit.actions.feeChanged',
  'settings.fee_reset': 'access.audit.actions.feeReset',
  'settings.help_changed': 'access.audit.actions.helpChanged',
  'staff.created': 'access.audit.actions.staffCreated',
  'staff.removed': 'access.audit.actions.staffRemoved',
  'transfer.assigned': 'access.audit.actions.transferAssigned',
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
    return reply.page({ title: t('access.audit.notAllowedTitle'), body: notAllowedBody(t, lang, t('access.audit.notAllowedTitle'), t('access.audit.notAllowedBody')) }, 403)
  }
  const cursor = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)_(\d{1,15})$/.exec(typeof q.before === 'string' ? q.before : '')
  const before = cursor && !Number.isNaN(Date.parse(cursor[1]!)) ? { at: new Date(cursor[1]!), id: Number(cursor[2]) } : undefined
  let query = deps.db
    .selectFrom('audit_event as a')
    .leftJoin('app_user as u', 'u.id', 'a.actor_user_id')
    .select(['a.id', 'a.occurred_at', 'a.action', 'a.actor_label', 'a.ip', 'a.object_type', 'a.object_id', 'a.details', 'u.role', 'u.given_name', 'u.family_name'])
    .where('a.business_id', '=', m.businessId)
  if (before) query = query.where((eb) => eb.or([eb('a.occurred_at', '<', before.at), eb.and([eb('a.occurred_at', '=', before.at), eb('a.id', '<', before.id)])]))
  const rows = await query.orderBy('a.occurred_at', 'desc').orderBy('a.id', 'desc').limit(sql.lit(BUSINESS_AUDIT_PAGE_SIZE + 1)).execute()
  const page = rows.slice(0, BUSINESS_AUDIT_PAGE_SIZE)
  const last = page[page.length - 1]
  // Officers are "the department" (their names and addresses are not the business's to know); scheduled jobs are "the portal".
  const who = (r: (typeof page)[number]) =>
    r.role === 'officer' || r.role === 'administrator' ? t('access.audit.department') : r.actor_label === 'system' ? t('access.audit.system') : [r.given_name, r.family_name].filter(Boolean).join(' ') || r.actor_label
  const what = (action: string) => (ACTION_LABELS[action] ? t(ACTION_LABELS[action]) : action)
  const objects = await auditObjects(deps.db, page)
  const about = (r: (typeof page)[number]): string => {
    const o = objectOf(r, objects)
    if (!o) return ''
    // A draft by its foreign national (or its job) as the queue names it, so two drafts' rows are told apart.
    if (o.kind === 'offer') return o.number ? t('access.audit.objects.offer', { number: o.number }) : o.name ? t('access.audit.objects.draftOf', { name: o.name }) : t('access.audit.objects.draft')
    if (o.kind === 'branch') return t('access.audit.objects.branch', { name: o.name })
    if (o.kind === 'newPrimary') return t('access.audit.objects.newPrimary', { name: o.name })
    return o.name
  }
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
<thead><tr><th scope="col">${t('access.audit.when')}</th><th scope="col">${t('access.audit.who')}</th><th scope="col">${t('access.audit.what')}</th><th scope="col">${t('access.audit.about')}</th><th scope="col">${t('access.audit.where')}</th></tr></thead>
<tbody>${page.map(
        (r) =>
          html`<tr><td>${formatInZone(lang, r.occurred_at, deps.timeZone, 'precise')}</td><td>${who(r)}</td><td>${what(r.action)}</td><td>${about(r)}</td><td>${r.role === 'employer' ? (r.ip ?? '') : ''}</td></tr>`,
      )}</tbody></table></div>`
}
<nav aria-label="${t('access.audit.pages')}"><ul class="pagination">${before ? html`<li><a href="/${lang}/access/audit">${t('access.audit.newest')}</a></li>` : ''}${
      rows.length > BUSINESS_AUDIT_PAGE_SIZE && last ? html`<li><a href="/${lang}/access/audit?before=${encodeURIComponent(`${last.occurred_at.toISOString()}_${last.id}`)}">${t('access.audit.older')}</a></li>` : ''
    }</ul></nav>`,
  })
}

type AuditRow = { action: string; object_type: string | null; object_id: string | null; details: Record<string, unknown> }
type AuditObject = { kind: 'person' | 'newPrimary' | 'branch'; name: string } | { kind: 'offer'; number: string | null; name?: string }

/** What each row was done to, read in one statement per kind of object: people's names (PINs, memberships, PIN requests) and offers' numbers. */
async function auditObjects(db: Db, rows: readonly AuditRow[]) {
  const ids = (type: string) => [...new Set(rows.filter((r) => r.object_type === type && r.object_id && isUuid(r.object_id)).map((r) => r.object_id!))]
  const [pins, members, resets, offers, payments] = [ids('access_pin'), ids('business_membership'), ids('pin_reset_request'), ids('offer'), ids('payment')]
  const none = Promise.resolve([])
  // The department's transfer names the new primary user by their account.
  const users = [...new Set(rows.filter((r) => r.action === 'transfer.approved' && typeof r.details.newPrimary === 'string' && isUuid(r.details.newPrimary)).map((r) => r.details.newPrimary as string))]
  const [pinRows, memberRows, resetRows, paymentRows, userRows] = await Promise.all([
    pins.length ? db.selectFrom('access_pin').select(['id', 'given_names', 'family_name']).where('id', 'in', pins).execute() : none,
    members.length ? db.selectFrom('business_membership as m').innerJoin('app_user as u', 'u.id', 'm.user_id').select(['m.id', 'u.given_name', 'u.family_name', 'u.username']).where('m.id', 'in', members).execute() : none,
    resets.length ? db.selectFrom('pin_reset_request').select(['id', 'given_names', 'family_name']).where('id', 'in', resets).execute() : none,
    payments.length ? db.selectFrom('payment').select(['id', 'purpose_id']).where('id', 'in', payments).where('purpose_type', '=', 'offer').execute() : none,
    users.length ? db.selectFrom('app_user').select(['id', 'given_name', 'family_name', 'username']).where('id', 'in', users).execute() : none,
  ])
  const paidOffers = new Map(paymentRows.map((p) => [p.id, p.purpose_id]))
  const offerIds = [...new Set([...offers, ...paymentRows.map((p) => p.purpose_id)])].filter(isUuid)
  const offerRows = offerIds.length ? await db.selectFrom('offer').select(['id', 'offer_number', 'worker_name', 'job_title']).where('id', 'in', offerIds).execute() : []
  const name = (...parts: Array<string | null | undefined>) => parts.filter(Boolean).join(' ')
  return {
    pins: new Map(pinRows.map((p) => [p.id, name(p.given_names, p.family_name)])),
    members: new Map(memberRows.map((m) => [m.id, name(m.given_name, m.family_name) || m.username])),
    resets: new Map(resetRows.map((r) => [r.id, name(r.given_names, r.family_name)])),
    offers: new Map(offerRows.map((o) => [o.id, o.offer_number])),
    draftNames: new Map(offerRows.map((o) => [o.id, o.worker_name || o.job_title])),
    paidOffers,
    users: new Map(userRows.map((u) => [u.id, name(u.given_name, u.family_name) || u.username])),
  }
}

function objectOf(r: AuditRow, o: Awaited<ReturnType<typeof auditObjects>>): AuditObject | undefined {
  const id = r.object_id ?? ''
  const person = (name: string | undefined, kind: 'person' | 'newPrimary' = 'person'): AuditObject | undefined => (name ? { kind, name } : undefined)
  // Choosing to act for the business names the actor's own membership: nothing more to say.
  if (r.action === 'access.business_switched') return undefined
  if (r.action === 'access.primary_transferred') return person(o.members.get(id), 'newPrimary')
  if (r.action === 'transfer.approved') return person(typeof r.details.newPrimary === 'string' ? o.users.get(r.details.newPrimary) : undefined, 'newPrimary')
  switch (r.object_type) {
    case 'access_pin':
      return person(o.pins.get(id))
    case 'business_membership':
      return person(o.members.get(id))
    case 'pin_reset_request':
      return person(o.resets.get(id))
    case 'branch':
      return typeof r.details.name === 'string' ? { kind: 'branch', name: r.details.name } : undefined
    case 'offer': {
      const number = o.offers.get(id) ?? (typeof r.details.offerNumber === 'string' ? r.details.offerNumber : null)
      // A deleted draft is named by what its deletion kept.
      const kept = [r.details.workerName, r.details.jobTitle].find((v): v is string => typeof v === 'string' && v !== '')
      return { kind: 'offer', number, name: o.draftNames.get(id) || kept }
    }
    case 'payment': {
      const offer = o.paidOffers.get(id)
      return offer ? { kind: 'offer', number: o.offers.get(offer) ?? null, name: o.draftNames.get(offer) } : undefined
    }
    default:
      return undefined
  }
}
