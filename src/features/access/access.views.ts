import type { Translate, Lang } from '../../i18n/i18n.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, csrfField, linkButton, notice, radios, select, singleCheckbox, textInput } from '../../ui/components.ts'
import type { FormErrors } from '../../ui/form-errors.ts'
import { provinceOptions } from '../reference/lists.ts'
import type { MembershipRole } from '../enrolment/enrolment.tables.ts'
import type { MemberRow } from './access.repository.ts'
import type { AccessPin, Branch } from './access.tables.ts'

type Values = Record<string, string>

export type AccessStatus = 'issued' | 'active' | 'locked' | 'dormant' | 'deleted' | 'expired' | 'revoked'

const STATUS_LABEL = {
  issued: 'access.statusIssued',
  active: 'access.statusActive',
  locked: 'access.statusLocked',
  dormant: 'access.statusDormant',
  deleted: 'access.statusDeleted',
  expired: 'access.statusExpired',
  revoked: 'access.statusRevoked',
} as const

const TYPE_LABEL = { primary: 'access.typePrimary', branch_primary: 'access.typeBranchPrimary', secondary: 'access.typeSecondary' } as const

export function memberStatus(m: MemberRow): AccessStatus {
  if (m.status === 'removed' || m.user_status === 'deleted') return 'deleted'
  return m.user_status === 'dormant' ? 'dormant' : 'active'
}

export function pinStatus(p: AccessPin, now: Date): AccessStatus {
  if (p.status === 'issued') return p.expires_at.getTime() <= now.getTime() ? 'expired' : 'issued'
  if (p.status === 'locked') return 'locked'
  if (p.status === 'expired') return 'expired'
  if (p.status === 'revoked') return 'revoked'
  return 'deleted'
}

export interface AccessRow {
  givenNames: string
  familyName: string
  /** The PIN while it may be shown; undefined when masked. */
  pin?: string
  email: string | null
  status: AccessStatus
  role: MembershipRole
  branch: string | null
  actions: Array<{ href: string; text: string }>
}

function masked(t: Translate): Html {
  return html`<span aria-hidden="true">${t('access.pinMasked')}</span><span class="visually-hidden">${t('access.pinMaskedLabel')}</span>`
}

export function manageAccessBody(
  t: Translate,
  lang: Lang,
  p: {
    business: string
    branchName?: string
    query: string
    rows: AccessRow[]
    /** The branches, each saying whether it has a branch primary user of its own. */
    branches: Array<Branch & { withoutPrimary?: boolean }>
    canCreateBranch: boolean
    showBranch: boolean
    notice?: Html
    /** Open PIN reset requests routed to this (primary) user. */
    pinResets?: ReadonlyArray<{ href: string; name: string; submitted: string }>
    auditHref?: string
  },
): Html {
  const { rows } = p
  return html`<h1>${t('access.manageTitle')}</h1>
${p.notice ?? ''}
<p>${p.branchName ? t('access.manageBranchLead', { business: p.business, branch: p.branchName }) : t('access.manageLead', { business: p.business })}</p>
<ul class="task-list">
<li><a href="/${lang}/access/users/new${p.query}">${t('access.createUserLink')}</a></li>
${p.canCreateBranch ? html`<li><a href="/${lang}/access/branches/new${p.query}">${t('access.createBranchLink')}</a></li>` : ''}
${p.canCreateBranch ? html`<li><a href="/${lang}/access/transfer${p.query}">${t('access.transferLink')}</a></li>` : ''}
${p.auditHref ? html`<li><a href="${p.auditHref}">${t('access.audit.title')}</a></li>` : ''}
</ul>
${
  p.pinResets?.length
    ? html`<h2>${t('access.pinReset.openTitle')}</h2><ul>${p.pinResets.map((r) => html`<li><a href="${r.href}">${t('access.pinReset.openItem', { name: r.name, date: r.submitted })}</a></li>`)}</ul>`
    : ''
}
${
  rows.length === 0
    ? html`<p>${t('access.noUsers')}</p>`
    : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table" id="access-table">
<caption>${t('access.usersCaption')}</caption>
<thead><tr><th scope="col">${t('access.colGivenNames')}</th><th scope="col">${t('access.colFamilyName')}</th><th scope="col">${t('access.colPin')}</th><th scope="col">${t('access.colEmail')}</th><th scope="col">${t('access.colStatus')}</th><th scope="col">${t('access.colType')}</th>${p.showBranch ? html`<th scope="col">${t('access.colBranch')}</th>` : ''}<th scope="col">${t('access.colActions')}</th></tr></thead>
<tbody>${rows.map(
        (r) => html`<tr><td>${r.givenNames}</td><td>${r.familyName}</td><td>${r.pin ? html`<span class="pin-inline">${r.pin}</span>` : masked(t)}</td><td>${r.email ?? ''}</td><td data-status="${r.status}">${t(STATUS_LABEL[r.status])}</td><td>${t(TYPE_LABEL[r.role])}</td>${p.showBranch ? html`<td>${r.branch ?? t('access.wholeBusiness')}</td>` : ''}<td>${r.actions.map(
          (a) => html`<a href="${a.href}">${a.text}<span class="visually-hidden"> ${t('access.forPerson', { name: `${r.givenNames} ${r.familyName}` })}</span></a> `,
        )}</td></tr>`,
      )}</tbody></table></div>`
}
${
  p.branches.length
    ? html`<h2>${t('access.branchesCaption')}</h2><ul>${p.branches.map(
        (b) => html`<li>${b.name} — ${b.street}, ${b.city} ${b.province} ${b.postal_code}${b.withoutPrimary ? html`<br><span class="hint">${t('access.branchWithoutPrimary', { branch: b.name })}</span>` : ''}</li>`,
      )}</ul>`
    : ''
}`
}

export function createUserBody(t: Translate, lang: Lang, p: { business: string; query: string; back: string; values: Values; errors?: FormErrors; csrf: string; branches: Branch[] }): Html {
  const e = (k: string) => p.errors?.fields[k]
  return html`<h1>${t('access.createUserTitle')}</h1>
<p>${t('access.createUserLead')}</p>
<form method="post" action="/${lang}/access/users/new${p.query}" novalidate>
${csrfField(p.csrf)}
${personInputs(t, p.values, p.errors)}
${
  p.branches.length
    ? select({ t, name: 'branch', label: t('access.branchField'), hint: t('access.branchFieldHint'), value: p.values.branch ?? '', options: [{ value: '', text: t('access.wholeBusiness') }, ...p.branches.map((b) => ({ value: b.id, text: b.name }))], error: e('branch') })
    : ''
}
${singleCheckbox({ t, name: 'attest', label: t('access.attest', { business: p.business }), checked: p.values.attest === 'yes', error: e('attest'), required: true })}
<div class="button-group">
${button({ text: t('access.createAccount'), preventDoubleClick: true })}
${linkButton({ text: t('access.returnToPrevious'), href: p.back })}
</div>
</form>`
}

function personInputs(t: Translate, v: Values, errors?: FormErrors): Html {
  const e = (k: string) => errors?.fields[k]
  return html`${textInput({ t, name: 'givenNames', label: t('access.givenNames'), value: v.givenNames, autocomplete: 'off', error: e('givenNames'), required: true })}
${textInput({ t, name: 'familyName', label: t('access.familyName'), value: v.familyName, autocomplete: 'off', error: e('familyName'), required: true })}
${textInput({ t, name: 'email', label: t('access.email'), hint: t('access.emailHint'), value: v.email, type: 'email', autocomplete: 'off', spellcheck: false, error: e('email') })}`
}

export function createBranchBody(t: Translate, lang: Lang, p: { query: string; back: string; values: Values; errors?: FormErrors; csrf: string }): Html {
  const e = (k: string) => p.errors?.fields[k]
  const v = p.values
  return html`<h1>${t('access.createBranchTitle')}</h1>
<p>${t('access.createBranchLead')}</p>
<form method="post" action="/${lang}/access/branches/new${p.query}" novalidate>
${csrfField(p.csrf)}
<h2>${t('access.branchSection')}</h2>
${textInput({ t, name: 'name', label: t('access.branchName'), value: v.name, error: e('name'), required: true })}
${textInput({ t, name: 'street', label: t('access.street'), value: v.street, autocomplete: 'street-address', error: e('street'), required: true })}
${textInput({ t, name: 'city', label: t('access.city'), value: v.city, autocomplete: 'address-level2', width: '20', error: e('city'), required: true })}
${select({ t, name: 'province', label: t('access.province'), value: v.province, placeholder: t('access.selectProvince'), options: provinceOptions(lang), error: e('province'), required: true })}
${textInput({ t, name: 'postalCode', label: t('access.postalCode'), hint: t('access.postalCodeHint'), value: v.postalCode, autocomplete: 'postal-code', width: '10', spellcheck: false, error: e('postalCode'), required: true })}
<h2>${t('access.branchFirstUser')}</h2>
${personInputs(t, v, p.errors)}
<div class="button-group">
${button({ text: t('access.createBranch'), preventDoubleClick: true })}
${linkButton({ text: t('access.returnToPrevious'), href: p.back })}
</div>
</form>`
}

/**
 * The page's title after a PIN is made: a branch created, a user created, or a PIN issued again; once the
 * PIN can no longer be shown (revoked, used, locked, expired), what the page shows instead.
 */
export function pinCreatedTitle(t: Translate, pin: { role: string; reissued_at: Date | null; status: string }, shown: boolean): string {
  if (!shown) return t(pin.status === 'revoked' ? 'access.pinCreatedTitle.revoked' : pin.status === 'used' ? 'access.pinCreatedTitle.used' : 'access.pinCreatedTitle.hidden')
  return t(pin.reissued_at ? 'access.pinCreatedTitle.reissued' : pin.role === 'branch_primary' ? 'access.pinCreatedTitle.branch' : 'access.pinCreatedTitle.user')
}

/** Why a PIN that is no longer shown cannot be issued again (revoked or used), or undefined when it can. */
export function notReissuable(t: Translate, pin: { status: string }, name: string): string | undefined {
  return pin.status === 'revoked' ? t('access.pinRevokedBody', { name }) : pin.status === 'used' ? t('access.pinUsedBody', { name }) : undefined
}

export function pinCreatedBody(
  t: Translate,
  p: {
    title: string
    name: string
    pin?: string
    expires: string
    email: string | null
    /** The PIN's branch (its name), when it gives access to one branch only; `primary` when it makes its holder the branch's primary user. */
    branch?: { name: string; primary: boolean }
    reissued: boolean
    continueHref: string
    hiddenBody?: string
    reissueHref?: string
  },
): Html {
  const branch = p.branch
  const newBranch = branch?.primary && !p.reissued
  return html`<h1>${p.title}</h1>
${
  p.pin
    ? html`<p>${p.reissued ? t('access.confirmReissuedLead', { name: p.name }) : newBranch ? t('access.confirmBranchLead', { name: p.name, branch: branch.name }) : t('access.confirmLead', { name: p.name })}</p>
${branch && !newBranch ? html`<p>${t(branch.primary ? 'access.pinForBranchPrimary' : 'access.pinForBranch', { branch: branch.name })}</p>` : ''}
<p class="pin" id="pin" aria-label="${t('access.pinLabel')}">${p.pin}</p>
<p>${t('access.pinExpires', { date: p.expires })}</p>
${p.email ? html`<p>${t('access.pinEmailed', { email: p.email })}</p>` : ''}
<p>${t('access.pinWhatToDo')}</p>`
    : p.hiddenBody
      ? html`<p>${p.hiddenBody}</p>`
      : html`<p>${t('access.pinNotShown')}</p>${p.reissueHref ? html`<p><a href="${p.reissueHref}">${t('access.reissuePin')}<span class="visually-hidden"> ${t('access.forPerson', { name: p.name })}</span></a></p>` : ''}`
}
<p>${linkButton({ text: t('access.continue'), href: p.continueHref, variant: 'primary' })}</p>`
}

/** A page a member may not open (403): why, and the way back to their home page. */
export function notAllowedBody(t: Translate, lang: Lang, title: string, body: string): Html {
  return html`<h1>${title}</h1>
<p>${body}</p>
<p>${linkButton({ text: t('errors.goHome'), href: `/${lang}/home` })}</p>`
}

export function confirmBody(t: Translate, p: { title: string; body: string; action: string; confirm: string; cancelHref: string; csrf: string; danger?: boolean }): Html {
  return html`<h1>${p.title}</h1>
<p>${p.body}</p>
<form method="post" action="${p.action}">
${csrfField(p.csrf)}
<div class="button-group">
${button({ text: p.confirm, variant: p.danger ? 'danger' : 'primary', preventDoubleClick: true })}
${linkButton({ text: t('access.cancel'), href: p.cancelHref })}
</div>
</form>`
}

export function joinBody(t: Translate, lang: Lang, p: { values: Values; errors?: FormErrors; csrf: string }): Html {
  const e = (k: string) => p.errors?.fields[k]
  const v = p.values
  return html`<h1>${t('access.joinTitle')}</h1>
<p>${t('access.joinLead')}</p>
<form method="post" action="/${lang}/join" novalidate>
${csrfField(p.csrf)}
${textInput({ t, name: 'givenNames', label: t('access.givenNames'), value: v.givenNames, autocomplete: 'given-name', error: e('givenNames'), required: true })}
${textInput({ t, name: 'familyName', label: t('access.familyName'), value: v.familyName, autocomplete: 'family-name', error: e('familyName'), required: true })}
${textInput({ t, name: 'pin', label: t('access.pin'), hint: t('access.pinHint'), autocomplete: 'off', spellcheck: false, width: '20', error: e('pin'), required: true })}
${button({ text: t('access.joinButton'), preventDoubleClick: true })}
</form>
<p><a href="/${lang}/pin-reset">${t('access.pinReset.lostLink')}</a></p>`
}

/** The access tasks on the signed-in home page, each shown only to those allowed (the routes check again). */
export function accessHomeLinks(t: Translate, lang: Lang, memberships: ReadonlyArray<{ role: MembershipRole; business: { id: string } }>): Html {
  const first = [...memberships].sort((a, b) => (a.role === 'primary' ? 0 : a.role === 'branch_primary' ? 1 : 2) - (b.role === 'primary' ? 0 : b.role === 'branch_primary' ? 1 : 2))[0]
  if (!first || first.role === 'secondary') return html``
  const q = `?business=${first.business.id}`
  return html`<li><a href="/${lang}/access${q}">${t('access.manageTitle')}</a></li>
<li><a href="/${lang}/access/users/new${q}">${t('access.createUserLink')}</a></li>
${first.role === 'primary' ? html`<li><a href="/${lang}/access/branches/new${q}">${t('access.createBranchLink')}</a></li>` : ''}`
}

export function joinHomeLink(t: Translate, lang: Lang): Html {
  return html`<p><a href="/${lang}/join">${t('access.joinLink')}</a></p>`
}

export function transferBody(
  t: Translate,
  lang: Lang,
  p: { business: string; query: string; back: string; candidates: MemberRow[]; branchNames?: ReadonlyMap<string, string>; value?: string; errors?: FormErrors; csrf: string },
): Html {
  if (p.candidates.length === 0) return html`<h1>${t('access.transferTitle')}</h1><p>${t('access.transferNone')}</p><p>${linkButton({ text: t('access.returnToPrevious'), href: p.back })}</p>`
  return html`<h1>${t('access.transferTitle')}</h1>
<p>${t('access.transferLead', { business: p.business })}</p>
${p.candidates.some((c) => c.role === 'branch_primary') ? html`<p>${t('access.transferBranchWarning')}</p>` : ''}
<form method="post" action="/${lang}/access/transfer${p.query}" novalidate>
${csrfField(p.csrf)}
${radios({
  t,
  name: 'to',
  label: t('access.transferTo'),
  value: p.value,
  required: true,
  error: p.errors?.fields.to,
  options: p.candidates.map((c) => ({ value: c.id, text: `${c.given_name} ${c.family_name}`.trim() || c.email || '', hint: [t(TYPE_LABEL[c.role]), (c.branch_id && p.branchNames?.get(c.branch_id)) || '', c.email ?? ''].filter(Boolean).join(' · ') })),
})}
<div class="button-group">
${button({ text: t('access.transferContinue') })}
${linkButton({ text: t('access.returnToPrevious'), href: p.back })}
</div>
</form>`
}

/**
 * Confirming the transfer of the primary role. A branch primary user who becomes the primary user leaves their
 * branch without one: said here. The former primary user becomes a secondary user of the whole business or,
 * their choice, the primary user of a branch that has none (a role given back keeps the branch led).
 */
export function transferConfirmBody(
  t: Translate,
  p: { name: string; business: string; leavesBranch?: string; branches: Branch[]; becomes?: string; errors?: FormErrors; action: string; cancelHref: string; csrf: string },
): Html {
  const choose = p.branches.length > 0
  return html`<h1>${t('access.transferConfirmTitle')}</h1>
${p.leavesBranch ? notice({ kind: 'warning', title: t('access.transferLeavesBranch', { name: p.name, branch: p.leavesBranch }) }) : ''}
<p>${choose ? t('access.transferConfirmBodyChoose', { name: p.name, business: p.business }) : t('access.transferConfirmBody', { name: p.name, business: p.business })}</p>
<form method="post" action="${p.action}" novalidate>
${csrfField(p.csrf)}
${
  choose
    ? radios({
        t,
        name: 'becomes',
        label: t('access.transferBecomes'),
        value: p.becomes ?? 'secondary',
        required: true,
        error: p.errors?.fields.becomes,
        options: [{ value: 'secondary', text: t('access.transferBecomesSecondary') }, ...p.branches.map((b) => ({ value: b.id, text: t('access.transferBecomesBranch', { branch: b.name }) }))],
      })
    : ''
}
<div class="button-group">
${button({ text: t('access.transferConfirm'), variant: 'primary', preventDoubleClick: true })}
${linkButton({ text: t('access.cancel'), href: p.cancelHref })}
</div>
</form>`
}
