import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import type { SignedInUser } from '../../db/database.ts'
import { isMessageKey, otherLang, translate, type Lang, type MessageKey, type Translate } from '../../i18n/i18n.ts'
import { actorFrom } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { HttpError, NotFoundError } from '../../platform/errors.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, checkboxes, csrfField, linkButton, notice, select, singleCheckbox, summaryList, textarea, textInput } from '../../ui/components.ts'
import { fieldId, formErrors, type FormErrors } from '../../ui/form-errors.ts'
import { requireEmployer } from '../auth/guards.ts'
import { keepTypingOnContinue, takeStashedForm } from '../auth/session-lifecycle.ts'
import { activeMembership, type ActingMembership } from '../access/access.policy.ts'
import { actingFor, currentMembership, refuseFormerMember, showActingFor } from '../access/active-business.ts'
import { exemptionByCode, isOpenExemption } from '../reference/exemption-codes.ts'
import { answersFromForm, SECTION_IDS, SECTIONS, sectionProblems, type FieldDef, type FieldProblem, type SectionId } from './offers.sections.ts'
import { branchChoices, draftDeletion, findOffer, QUEUE_SORTS, queueCursor, queueCursorKeyFits, queuePage, type QueueSort } from './offers.repository.ts'
import { canSeeOffer, claimsFeeExemption, type OfferService } from './offers.service.ts'
import type { Answers, Offer, OfferStatus } from './offers.tables.ts'
import { answerText, copyNote, STATUS_KEY } from './offers.views.ts'
import { isUuid } from '../../platform/ids.ts'
import { formatInZone, formatterInZone } from '../../platform/dates.ts'

export interface OfferDeps {
  db: Db
  clock: Clock
  timeZone: string
  offers: OfferService
}

export const QUEUE_PAGE_SIZE = 50
const STATUSES = Object.keys(STATUS_KEY) as OfferStatus[]

/**
 * The offer the route's `:id` names and the membership the user sees it with; 404 otherwise,
 * so existence is never confirmed. The memberships are those this request already read for
 * its header (request.businessContext), which saves a query.
 */
export async function offerAndMembership(deps: Pick<OfferDeps, 'db' | 'timeZone'>, request: FastifyRequest, user: SignedInUser): Promise<{ offer: Offer; membership: ActingMembership }> {
  const { db } = deps
  const { id } = request.params as { id: string }
  const offer = isUuid(id) ? await findOffer(db, id) : undefined
  const known = request.businessContext?.choices
  const membershipIn = async (businessId: string) => (known ? actingFor(known, businessId) : await activeMembership(db, user.id, businessId))
  if (!offer && isUuid(id)) await refuseDeletedDraft(deps, request, id, membershipIn)
  const membership = offer ? await membershipIn(offer.business_id) : undefined
  // Removed from the business while on its offer: told so (403), not the 404 a stranger gets.
  if (offer && !membership) await refuseFormerMember(db, request, user.id, offer.business_id)
  if (!offer || !canSeeOffer(membership, offer)) throw new NotFoundError()
  // The header names the offer's business, whichever one the header had chosen.
  showActingFor(request, offer.business_id)
  return { offer, membership }
}

/**
 * A draft deleted since (Back, an old bookmark, a second tab): "This draft was deleted", when and
 * by whom, with the way to the queue (410), for the people who could see it; for anyone else the
 * plain 404 a random id gets, so nothing tells another business (or branch) it existed.
 */
async function refuseDeletedDraft({ db, timeZone }: Pick<OfferDeps, 'db' | 'timeZone'>, request: FastifyRequest, id: string, membershipIn: (businessId: string) => Promise<ActingMembership | undefined>): Promise<void> {
  const deletion = await draftDeletion(db, id)
  if (!deletion) return
  const membership = await membershipIn(deletion.businessId)
  // Deletions recorded before they named their branch: told to the people who see the whole business.
  const seesIt = deletion.branchId === undefined ? !!membership && (membership.role === 'primary' || membership.branchId === null) : canSeeOffer(membership, { business_id: deletion.businessId, branch_id: deletion.branchId })
  if (!seesIt) return
  const { t, lang } = request
  throw new HttpError(410, 'offers.draftDeletedTitle', 'offers.draftDeletedBody', {
    text: t('offers.draftDeletedWhen', { date: formatInZone(lang, deletion.deletedAt, timeZone, 'dateTime'), who: deletion.by }),
    link: { text: t('offers.draftDeletedQueue'), href: `/${lang}/offers` },
  })
}

function encodeCursor(c: { key: string; id: string }): string {
  return Buffer.from(JSON.stringify([c.key, c.id])).toString('base64url')
}
function decodeCursor(value: unknown, sort: QueueSort): { key: string; id: string } | undefined {
  if (typeof value !== 'string' || value.length > 400) return undefined
  try {
    const [key, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[]
    // A hand-made cursor (not a time for a date order): the first page.
    return typeof key === 'string' && typeof id === 'string' && isUuid(id) && queueCursorKeyFits(key, sort) ? { key, id } : undefined
  } catch {
    return undefined
  }
}

/** A section page opened from the review page's "Change" (`?return=review`), or its form sent from such a page (a conflict's page keeps the way back). */
const fromReview = (request: FastifyRequest) => (request.query as Record<string, unknown>).return === 'review' || (request.body as Record<string, unknown> | undefined)?.return === 'review'

const isSection = (s: string): s is SectionId => (SECTION_IDS as readonly string[]).includes(s)
const label = (name: string) => `offers.fields.${name}.label` as MessageKey

function problemText(t: Translate, p: FieldProblem['problem']): string {
  return Array.isArray(p) ? t(p[0], p[1]) : t(p)
}

/** Each field's label, help and hint per language, translated and escaped once: they never change, and a section draws a dozen fields. */
const fieldTexts = new Map<string, { label: Html; help: Html; hint: Html | undefined }>()

function textsOf(lang: Lang, name: string): { label: Html; help: Html; hint: Html | undefined } {
  const key = `${lang}:${name}`
  let texts = fieldTexts.get(key)
  if (!texts) {
    const hintKey = `offers.fields.${name}.hint`
    texts = { label: html`${translate(lang, label(name))}`, help: html`${translate(lang, `offers.fields.${name}.help`)}`, hint: isMessageKey(hintKey) ? html`${translate(lang, hintKey)}` : undefined }
    fieldTexts.set(key, texts)
  }
  return texts
}

/** One field, drawn from its definition with the shared components (ids from fieldId). */
function renderField(t: Translate, lang: Lang, f: FieldDef, value: string | string[] | undefined, error?: string): Html {
  // Each control's props written out, not spread from a shared object: a section draws a dozen
  // fields, and the spreads were ~5 % of an offer section's CPU (docs/performance.md, session 9).
  const { label, help, hint } = textsOf(lang, f.name)
  const name = f.name
  const required = !f.optional
  const text = typeof value === 'string' ? (f.shown ? f.shown(value, lang) : value) : ''
  switch (f.kind) {
    case 'textarea':
      return textarea({ t, name, label, help, hint, error, required, value: text, rows: 6, maxlength: f.max })
    case 'select':
      return select({ t, name, label, help, hint, error, required, value: text, placeholder: '', options: f.choices?.(lang) ?? [], groups: f.groups?.(lang) })
    case 'checkboxes':
      return checkboxes({ t, name, label, help, hint, error, required, values: Array.isArray(value) ? value : [], options: f.choices?.(lang) ?? [] })
    case 'checkbox':
      return singleCheckbox({ t, name, label, help, hint, error, required, checked: value === 'yes' })
    case 'date':
      return textInput({ t, name, label, help, hint, error, required, type: 'date', value: text, width: '10' })
    default:
      return textInput({ t, name, label, help, hint, error, required, value: text, width: f.width, inputmode: f.inputmode, autocomplete: f.autocomplete, maxlength: f.max })
  }
}

const SECTION_FORM = 'offer-section'

/**
 * A section page's language switch: a submit button of the section's form (nav=language), so
 * what was typed is saved before the section is shown in the other language, with or without
 * script. Enter in a field presses a form's first submit button in the document, and the header
 * comes before the form: the hidden "Next" before the switch makes Enter go on (it pressed
 * "Previous" from the second section on, the form's first button), never switch languages.
 */
function sectionLanguageToggle(t: Translate, lang: Lang): Html {
  const other = otherLang(lang)
  return html`<button type="submit" form="${SECTION_FORM}" name="nav" value="next" class="visually-hidden" tabindex="-1" aria-hidden="true">${t('offers.next')}</button><button type="submit" form="${SECTION_FORM}" name="nav" value="language" class="button-link" lang="${other}">${t('common.languageToggle')}</button>`
}

/** "Submit an offer of employment": the draft form in sections, and the queue. */
export function registerOfferRoutes(scope: FastifyInstance, deps: OfferDeps): void {
  const { db, offers } = deps
  const today = () => offers.today()
  const offerFor = async (request: FastifyRequest, user: SignedInUser) => (await offerAndMembership(deps, request, user)).offer

  scope.get('/offers', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const m = await currentMembership(db, request, user.id)
    const q = request.query as Record<string, unknown>
    const str = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim().slice(0, 100) : '')
    const sort: QueueSort = (QUEUE_SORTS as readonly string[]).includes(str('sort')) ? (str('sort') as QueueSort) : 'changed'
    const status = (STATUSES as string[]).includes(str('status')) ? (str('status') as OfferStatus) : undefined
    const seesWholeBusiness = !!m && (m.role === 'primary' || m.branchId === null)
    const after = decodeCursor(q.after, sort)
    const branchesRead = m && seesWholeBusiness ? branchChoices(db, m.businessId) : Promise.resolve([])
    const rowsFor = async (branchFilter: string | undefined) =>
      m ? queuePage(db, { businessId: m.businessId, scopeBranchId: seesWholeBusiness ? null : m.branchId, branchFilter, status, search: str('q') || undefined, sort, after, limit: QUEUE_PAGE_SIZE + 1, branches: seesWholeBusiness ? branchesRead : undefined, creatorNames: true }) : []
    // The rows are asked for with the branches (both statements in one round trip), filtered by the
    // branch asked for; one that is not the business's (a stale or edited link) is dropped, and the rows read again.
    const asked = str('branch') === 'none' ? 'none' : seesWholeBusiness && isUuid(str('branch')) ? str('branch') : undefined
    const [branches, askedRows] = await Promise.all([branchesRead, rowsFor(asked)])
    const branchFilter = asked === 'none' || branches.some((b) => b.id === asked) ? asked : undefined
    const rows = branchFilter === asked ? askedRows : await rowsFor(undefined)
    const page = rows.slice(0, QUEUE_PAGE_SIZE)
    const last = page[page.length - 1]
    const keep = Object.fromEntries(Object.entries({ q: str('q'), status: status ?? '', branch: branchFilter ?? '', sort: sort === 'changed' ? '' : sort }).filter(([, v]) => v))
    const nextHref = rows.length > QUEUE_PAGE_SIZE && last ? `/${lang}/offers?${new URLSearchParams({ ...keep, after: encodeCursor(queueCursor(last, sort)) })}` : undefined
    const filtered = Object.keys(keep).some((k) => k !== 'sort') || !!after
    // What every row repeats (status tags, "no branch", the date's format), translated and escaped once a page, not once a row.
    const statusTags = Object.fromEntries(STATUSES.map((s) => [s, html`<span class="tag">${t(STATUS_KEY[s])}</span>`])) as Record<OfferStatus, Html>
    // An offer without its number yet is linked by what it is: a draft, or awaiting its fee (as its status says).
    const noNumber = html`${t('offers.draftNoNumber')}`
    const awaitingNumber = html`${t(STATUS_KEY.awaiting_payment)}`
    const notNamed = html`<span class="hint">${t('offers.workerNotNamed')}</span>`
    const noBranch = html`${t('offers.noBranch')}`
    const listed = formatterInZone(lang, deps.timeZone, 'listed')
    return reply.page({
      title: t('offers.queueTitle'),
      breadcrumbs: [{ text: t('common.home'), href: `/${lang}/home` }],
      body: html`<h1>${t('offers.queueTitle')}</h1>
${q.deleted === '1' ? notice({ kind: 'success', title: t('offers.deleted') }) : q.saved === '1' ? notice({ kind: 'success', title: t('offers.draftSaved') }) : ''}
${m ? html`<p class="hint">${t('offers.queueFor', { business: m.businessName })}</p><p>${linkButton({ text: t('offers.startOffer'), href: `/${lang}/offers/new`, variant: 'primary' })}</p>` : html`<p>${t('offers.noBusiness')}</p>`}
${
  m
    ? html`<form method="get" action="/${lang}/offers" class="queue-filters" role="search" aria-label="${t('offers.filtersLabel')}">
<div class="filter-row">
${textInput({ t, name: 'q', label: t('offers.searchLabel'), hint: t('offers.searchHint'), value: str('q'), type: 'search', width: '20' })}
${select({ t, name: 'status', label: t('offers.status'), value: status ?? '', placeholder: t('offers.allStatuses'), options: STATUSES.map((s) => ({ value: s, text: t(STATUS_KEY[s]) })) })}
${branches.length ? select({ t, name: 'branch', label: t('offers.branch'), value: branchFilter ?? '', placeholder: t('offers.allBranches'), options: [{ value: 'none', text: t('offers.noBranch') }, ...branches.map((b) => ({ value: b.id, text: b.name }))] }) : ''}
${select({ t, name: 'sort', label: t('offers.sortLabel'), value: sort, options: QUEUE_SORTS.map((s) => ({ value: s, text: t(`offers.sort_${s}`) })) })}
</div>
${button({ text: t('offers.applyFilters'), variant: 'secondary' })} ${filtered ? html`<a href="/${lang}/offers">${t('offers.clearFilters')}</a>` : ''}
</form>`
    : ''
}
${
  m && page.length === 0
    ? html`<p>${filtered ? t('offers.noMatch') : t('offers.noOffers')}</p>`
    : page.length
      ? html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table"><caption class="visually-hidden">${t('offers.queueTitle')}</caption>
<thead><tr><th scope="col">${t('offers.number')}</th><th scope="col">${t('offers.worker')}</th><th scope="col">${t('offers.job')}</th><th scope="col">${t('offers.status')}</th><th scope="col">${t('offers.branch')}</th><th scope="col">${t('offers.createdBy')}</th><th scope="col">${t('offers.createdOn')}</th><th scope="col">${t('offers.changed')}</th></tr></thead>
<tbody>${page.map(
          (r) => html`<tr><td><a href="/${lang}/offers/${r.id}">${r.offer_number ?? (r.status === 'awaiting_payment' ? awaitingNumber : noNumber)}<span class="visually-hidden"> ${r.worker_name || `${r.job_title ? `${r.job_title}, ` : ''}${t('offers.unnamedDraft', { date: listed(r.created_at) })}`}</span></a></td><td>${r.worker_name || notNamed}</td><td>${r.job_title}</td><td>${statusTags[r.status]}</td><td>${r.branch_name ?? noBranch}</td><td>${r.created_by}</td><td>${listed(r.created_at)}</td><td>${listed(r.updated_at)}</td></tr>`,
        )}</tbody></table></div>
${nextHref ? html`<nav aria-label="${t('offers.pagination')}"><p><a href="${nextHref}" rel="next">${t('offers.nextPage')}</a>${after ? html` · <a href="/${lang}/offers?${new URLSearchParams(keep).toString()}">${t('offers.firstPage')}</a>` : ''}</p></nav>` : after ? html`<nav aria-label="${t('offers.pagination')}"><p><a href="/${lang}/offers?${new URLSearchParams(keep).toString()}">${t('offers.firstPage')}</a></p></nav>` : ''}`
      : ''
}`,
    })
  })

  scope.get('/offers/new', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const m = await currentMembership(db, request, user.id)
    const asked = (request.query as Record<string, unknown>).code
    const found = typeof asked === 'string' ? exemptionByCode(asked.trim().toUpperCase()) : undefined
    const code = found && !isOpenExemption(found.code) ? found : undefined
    return reply.page({
      title: t('offers.newTitle'),
      breadcrumbs: [{ text: t('common.home'), href: `/${lang}/home` }, { text: t('offers.queueTitle'), href: `/${lang}/offers` }],
      body: html`<h1>${t('offers.newTitle')}</h1>
<p>${t('offers.newLead')}</p>
<p><a href="/${lang}/offers/eligibility">${t('offers.newCheck')}</a></p>
${code ? html`<p>${t('offers.newWithCode', { code: code.code, name: code.name[lang] })}</p>` : ''}
${m ? html`<p class="hint">${t('offers.queueFor', { business: m.businessName })}</p>${startForm(request, reply, m, code?.code)}` : html`<p>${t('offers.noBusiness')}</p>`}`,
    })
  })

  /**
   * "Start a new offer" for the business the page named (a hidden field): the draft is made for
   * that business, never for whichever one the header acts for when the button is pressed (a
   * switch in another tab). `confirmed`: the person chose it on the page that names both.
   */
  const startForm = (request: FastifyRequest, reply: FastifyReply, m: ActingMembership, code: string | undefined, confirmed = false) =>
    html`<form method="post" action="/${request.lang}/offers/new">${csrfField(reply.csrfToken())}<input type="hidden" name="business" value="${m.businessId}">${confirmed ? html`<input type="hidden" name="confirmed" value="1">` : ''}${code ? html`<input type="hidden" name="code" value="${code}">` : ''}${button({
      text: confirmed ? request.t('offers.startOfferFor', { business: m.businessName }) : request.t('offers.startOffer'),
      variant: confirmed ? 'secondary' : 'start',
      preventDoubleClick: true,
    })}</form>`

  scope.post('/offers/new', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const m = await currentMembership(db, request, user.id)
    if (!m) throw new NotFoundError()
    const body = (request.body as Record<string, unknown> | undefined) ?? {}
    const code = typeof body.code === 'string' ? body.code.slice(0, 10) : undefined
    // The business the page named: one the person still acts for (an older page without it: the current one).
    const named = typeof body.business === 'string' && isUuid(body.business) ? body.business : undefined
    const known = request.businessContext?.choices
    const asked = named === undefined || named === m.businessId ? m : known ? actingFor(known, named) : await activeMembership(db, user.id, named)
    if (!asked || (asked.businessId !== m.businessId && body.confirmed !== '1')) {
      // The header now acts for another business (switched in another tab): nothing is created; the person chooses.
      return reply.page(
        {
          title: t('offers.newOtherBusinessTitle'),
          breadcrumbs: [{ text: t('common.home'), href: `/${lang}/home` }, { text: t('offers.queueTitle'), href: `/${lang}/offers` }],
          body: html`<h1>${t('offers.newOtherBusinessTitle')}</h1>
<p>${asked ? t('offers.newOtherBusinessBody', { page: asked.businessName, current: m.businessName }) : t('offers.newGoneBusinessBody', { current: m.businessName })}</p>
<div class="button-group">${asked ? startForm(request, reply, asked, code, true) : ''}${startForm(request, reply, m, code, true)}</div>
<p><a href="/${lang}/offers">${t('offers.draftDeletedQueue')}</a></p>`,
        },
        409,
      )
    }
    const offer = await offers.createDraft(asked, user.id, actorFrom(request, user), { exemptionCode: code })
    return reply.redirect(`/${lang}/offers/${offer.id}/${SECTION_IDS[0]}`, 303)
  })

  const sectionPage = (request: FastifyRequest, reply: FastifyReply, offer: Offer, section: SectionId, values: Record<string, string | string[]>, version: number, errors?: FormErrors, conflict?: Offer, restored = false, copy: Html | '' = '') => {
    const { t, lang } = request
    const n = SECTION_IDS.indexOf(section)
    const title = t(`offers.s_${section}`)
    const saved = conflict?.answers[section] ?? {}
    // Opened by "Change" on the review page: the section's Next (or its own button) goes back there.
    const toReview = fromReview(request)
    // Whose offer it is (the header's business may be another: a second tab), from the memberships this request read.
    const employer = request.businessContext?.choices.find((c) => c.businessId === offer.business_id)?.businessName
    // Without script, "Continue session" carries this form: what was typed comes back with the page.
    keepTypingOnContinue(request, { id: SECTION_FORM, action: `/${lang}/offers/${offer.id}/${section}` })
    return reply.page(
      {
        title: `${title} - ${t('offers.newTitle')}`,
        errors,
        breadcrumbs: [{ text: t('offers.queueTitle'), href: `/${lang}/offers` }],
        languageToggle: sectionLanguageToggle(t, lang),
        body: html`<p class="hint">${t('offers.sectionOf', { n: n + 1, total: SECTION_IDS.length })}</p>
<h1>${title}</h1>
${employer ? html`<p class="offer-employer">${t('offers.offerFor', { business: employer })}</p>` : ''}
${copy}
${restored ? notice({ kind: 'info', title: t('offers.restored') }) : ''}
${
  conflict
    ? notice({
        kind: 'warning',
        title: t('offers.conflictTitle'),
        body: html`<p>${t('offers.conflictBody')}</p><h3>${t('offers.conflictSaved')}</h3>${summaryList(
          // As the review reads them: options in words, an amount in this page's language.
          SECTIONS[section].map((f) => ({ key: t(label(f.name)), value: answerText(f, saved[f.name], lang, conflict.answers) })),
        )}`,
      })
    : ''
}
<form method="post" action="/${lang}/offers/${offer.id}/${section}" id="${SECTION_FORM}" novalidate>
${csrfField(reply.csrfToken())}
<input type="hidden" name="version" value="${version}">
${toReview ? html`<input type="hidden" name="return" value="review">` : ''}
${SECTIONS[section].map((f) => renderField(t, lang, f, values[f.name], errors?.fields[f.name]))}
<div class="button-group">
${toReview ? button({ text: t('offers.saveToReview'), name: 'nav', value: 'review' }) : ''}
${n > 0 ? button({ text: t('offers.previous'), name: 'nav', value: 'previous', variant: 'secondary' }) : ''}
${button({ text: t('offers.next'), name: 'nav', value: 'next', variant: toReview ? 'secondary' : 'primary' })}
${button({ text: t('offers.validate'), name: 'nav', value: 'validate', variant: 'secondary' })}
${button({ text: t('offers.saveExit'), name: 'nav', value: 'exit', variant: 'secondary' })}
</div>
</form>`,
      },
      errors || conflict ? (conflict ? 409 : 400) : 200,
    )
  }

  const errorsFor = (t: Translate, problems: FieldProblem[]) => formErrors(problems.map((p) => [p.field, problemText(t, p.problem)] as const))

  scope.get('/offers/:id/validate', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const offer = await offerFor(request, user)
    if (offer.status !== 'draft') return reply.redirect(`/${lang}/offers/${offer.id}`, 303)
    const problems = await offers.submissionProblems(offer, lang)
    // What is missing is an error summary grouped by section, above the h1 and focused on load (autofocus, no script needed).
    return reply.page({
      title: `${problems.length ? t('common.errorTitlePrefix') : ''}${t('offers.validateTitle')}`,
      breadcrumbs: [{ text: t('offers.queueTitle'), href: `/${lang}/offers` }],
      body: html`${
        problems.length === 0
          ? ''
          : html`<div class="error-summary" id="error-summary" tabindex="-1" autofocus aria-labelledby="error-summary-title">
<div role="alert">
<h2 class="error-summary-title" id="error-summary-title">${t('common.errorSummaryTitle')}</h2>
<p>${t('offers.validateLead')}</p>
${SECTION_IDS.filter((s) => problems.some((p) => p.section === s)).map(
  (s) => html`<h3>${t(`offers.s_${s}`)}</h3><ul class="error-summary-list error-list">${problems
    .filter((p) => p.section === s)
    .map((p) => html`<li><a href="${p.onDocuments ? `/${lang}/offers/${offer.id}/documents#document` : `/${lang}/offers/${offer.id}/${s}?check=1#${fieldId(p.field)}`}">${problemText(t, p.problem)}</a></li>`)}</ul>`,
)}
</div>
</div>`
      }<h1>${t('offers.validateTitle')}</h1>
${problems.length === 0 ? html`${notice({ kind: 'success', title: claimsFeeExemption(offer) ? t('offers.allValidExempt') : t('offers.allValid') })}<p>${linkButton({ text: t('offers.toReview'), href: `/${lang}/offers/${offer.id}/review`, variant: 'primary' })}</p>` : ''}
<h2>${t('offers.sectionsTitle')}</h2>
${summaryList(
  SECTION_IDS.map((s) => ({
    key: t(`offers.s_${s}`),
    value: problems.some((p) => p.section === s) ? t('offers.incomplete') : t('offers.complete'),
    action: { href: `/${lang}/offers/${offer.id}/${s}`, text: t('offers.open'), hidden: t(`offers.s_${s}`) },
  })),
)}
<p><a href="/${lang}/offers/${offer.id}/documents">${t('offers.docsLink')}</a></p>
<p><a href="/${lang}/offers/${offer.id}/delete">${t('offers.deleteLink')}</a></p>`,
    })
  })

  scope.get('/offers/:id/:section', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { section } = request.params as { section: string }
    if (!isSection(section)) throw new NotFoundError()
    const { offer, membership } = await offerAndMembership(deps, request, user)
    if (offer.status !== 'draft') return reply.redirect(`/${request.lang}/offers/${offer.id}`, 303)
    // A form sent after the session ended was kept by the sign-in feature: show it again.
    const stashed = takeStashedForm(request, `/${request.lang}/offers/${offer.id}/${section}`)
    const values = stashed ? answersFromForm(section, stashed) : (offer.answers[section] ?? {})
    const check = (request.query as Record<string, unknown>).check === '1'
    const problems = check ? sectionProblems(section, offer.answers, request.lang, today()) : []
    const copy = copyNote(request.t, request.lang, offer, await offers.copySource(membership, offer), deps.timeZone)
    // A claimed fee exemption without its proof: said here, with the way to the page that attaches it.
    const proofMissing = section === 'exemption' && claimsFeeExemption(offer) && (await offers.documents(offer)).length === 0
    const proof = proofMissing
      ? notice({ kind: 'warning', title: request.t('offers.feeProofTitle'), body: html`<p>${request.t('offers.feeProofBody')} <a href="/${request.lang}/offers/${offer.id}/documents">${request.t('offers.docsLink')}</a></p>` })
      : ''
    return sectionPage(request, reply, offer, section, values, offer.version, problems.length ? errorsFor(request.t, problems) : undefined, undefined, !!stashed, html`${copy}${proof}`)
  })

  scope.post('/offers/:id/:section', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const { section } = request.params as { section: string }
    if (!isSection(section)) throw new NotFoundError()
    const offer = await offerFor(request, user)
    const body = (request.body ?? {}) as Record<string, unknown>
    const values = answersFromForm(section, body)
    const version = Number(body.version)
    // Whatever was typed is saved, valid or not: nothing that reached the server is lost.
    const result = await offers.saveSection(offer, section, values, Number.isInteger(version) ? version : -1, actorFrom(request, user))
    if (result.kind === 'readOnly') {
      return reply.page({ title: t('offers.readOnlyTitle'), body: html`<h1>${t('offers.readOnlyTitle')}</h1><p>${t('offers.readOnlyBody')}</p><p><a href="/${lang}/offers/${offer.id}">${t('offers.open')}</a></p>` }, 409)
    }
    if (result.kind === 'conflict') return sectionPage(request, reply, offer, section, values, result.offer.version, undefined, result.offer)

    const n = SECTION_IDS.indexOf(section)
    const nav = body.nav
    // Came from the review page's "Change": Next (or "Save and return to review") goes back there once the section is complete.
    const toReview = body.return === 'review'
    const keepReturn = toReview ? '&return=review' : ''
    if (nav === 'previous') return reply.redirect(`/${lang}/offers/${offer.id}/${SECTION_IDS[Math.max(0, n - 1)]}`, 303)
    if (nav === 'validate') return reply.redirect(`/${lang}/offers/${offer.id}/validate`, 303)
    // The queue says the draft was saved.
    if (nav === 'exit') return reply.redirect(`/${lang}/offers?saved=1`, 303)
    // The header's language switch on a section page: saved above, then the same section in the other language.
    if (nav === 'language') return reply.redirect(`/${otherLang(lang)}/offers/${offer.id}/${section}${toReview ? '?return=review' : ''}`, 303)
    const merged: Answers = { ...offer.answers, [section]: values }
    // Saved already: show the problems with a GET (post/redirect/get), so Back and refresh never ask to resend a form.
    if (sectionProblems(section, merged, lang, today()).length > 0) return reply.redirect(`/${lang}/offers/${offer.id}/${section}?check=1${keepReturn}`, 303)
    // The review page sends to the validation page itself when something else is missing.
    if (toReview || nav === 'review') return reply.redirect(`/${lang}/offers/${offer.id}/review`, 303)
    return reply.redirect(`/${lang}/offers/${offer.id}/${SECTION_IDS[n + 1] ?? 'validate'}`, 303)
  })
}
