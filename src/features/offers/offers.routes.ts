import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import type { AppUser } from '../../db/database.ts'
import { isMessageKey, type Lang, type MessageKey, type Translate } from '../../i18n/i18n.ts'
import { actorFrom, audit } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, checkboxes, csrfField, linkButton, notice, select, singleCheckbox, summaryList, textarea, textInput } from '../../ui/components.ts'
import { fieldId, formErrors, type FormErrors } from '../../ui/form-errors.ts'
import { requireEmployer } from '../auth/guards.ts'
import { takeStashedForm } from '../auth/session-lifecycle.ts'
import { membershipsOf } from '../enrolment/enrolment.repository.ts'
import { allProblems, answersFromForm, SECTION_IDS, SECTIONS, sectionProblems, type FieldDef, type FieldProblem, type SectionId } from './offers.sections.ts'
import { findOffer, insertDraft, lastBusinessAnswers, listOffers, saveSection } from './offers.repository.ts'
import type { Answers, Offer, OfferStatus } from './offers.tables.ts'
import { isUuid } from '../../platform/ids.ts'
import { dayInZone, formatInZone } from '../../platform/dates.ts'

export interface OfferDeps {
  db: Db
  clock: Clock
  timeZone: string
}

const STATUS_KEY: Record<OfferStatus, MessageKey> = {
  draft: 'offers.statusDraft',
  awaiting_payment: 'offers.statusAwaitingPayment',
  pending: 'offers.statusPending',
  matched: 'offers.statusMatched',
  withdrawn: 'offers.statusWithdrawn',
}
const isSection = (s: string): s is SectionId => (SECTION_IDS as readonly string[]).includes(s)
const label = (name: string) => `offers.fields.${name}.label` as MessageKey

function problemText(t: Translate, p: FieldProblem['problem']): string {
  return Array.isArray(p) ? t(p[0], p[1]) : t(p)
}


/** One field, drawn from its definition with the shared components (ids from fieldId). */
function renderField(t: Translate, lang: Lang, f: FieldDef, value: string | string[] | undefined, error?: string): Html {
  const hintKey = `offers.fields.${f.name}.hint`
  const common = { t, name: f.name, label: t(label(f.name)), help: t(`offers.fields.${f.name}.help` as MessageKey), hint: isMessageKey(hintKey) ? t(hintKey) : undefined, error, required: !f.optional }
  const text = typeof value === 'string' ? value : ''
  switch (f.kind) {
    case 'textarea':
      return textarea({ ...common, value: text, rows: 6, maxlength: f.max })
    case 'select':
      return select({ ...common, value: text, placeholder: '', options: f.choices?.(lang) ?? [], groups: f.groups?.(lang) })
    case 'checkboxes':
      return checkboxes({ ...common, values: Array.isArray(value) ? value : [], options: f.choices?.(lang) ?? [] })
    case 'checkbox':
      return singleCheckbox({ ...common, checked: value === 'yes' })
    case 'date':
      return textInput({ ...common, type: 'date', value: text, width: '10' })
    default:
      return textInput({ ...common, value: text, width: f.width, inputmode: f.inputmode, autocomplete: f.autocomplete, maxlength: f.max })
  }
}

/** "Submit an offer of employment": the draft form in sections, and the queue. */
export function registerOfferRoutes(scope: FastifyInstance, deps: OfferDeps): void {
  const { db, clock } = deps
  const today = () => dayInZone(clock.now(), deps.timeZone)

  /** The offer, if this person may see it (an active member of its business); 404 otherwise. */
  async function offerFor(user: AppUser, id: string): Promise<Offer> {
    const offer = isUuid(id) ? await findOffer(db, id) : undefined
    if (!offer) throw new NotFoundError()
    const memberships = await membershipsOf(db, user.id)
    if (!memberships.some((m) => m.business.id === offer.business_id)) throw new NotFoundError()
    return offer
  }

  scope.get('/offers', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const memberships = await membershipsOf(db, user.id)
    const rows = await listOffers(db, memberships.map((m) => m.business.id))
    return reply.page({
      title: t('offers.queueTitle'),
      breadcrumbs: [{ text: t('common.home'), href: `/${lang}/home` }],
      body: html`<h1>${t('offers.queueTitle')}</h1>
${memberships.length ? html`<p>${linkButton({ text: t('offers.startOffer'), href: `/${lang}/offers/new`, variant: 'primary' })}</p>` : html`<p>${t('offers.noBusiness')}</p>`}
${
  rows.length === 0
    ? html`<p>${t('offers.noOffers')}</p>`
    : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table"><caption class="visually-hidden">${t('offers.queueTitle')}</caption>
<thead><tr><th scope="col">${t('offers.number')}</th><th scope="col">${t('offers.worker')}</th><th scope="col">${t('offers.job')}</th><th scope="col">${t('offers.status')}</th><th scope="col">${t('offers.createdBy')}</th><th scope="col">${t('offers.changed')}</th></tr></thead>
<tbody>${rows.map(
        (r) => html`<tr><td><a href="/${lang}/offers/${r.id}">${r.offer_number ?? t('offers.draftNoNumber')}</a></td><td>${r.worker_name}</td><td>${r.job_title}</td><td><span class="tag">${t(STATUS_KEY[r.status])}</span></td><td>${r.created_by}</td><td>${formatInZone(lang, r.updated_at, deps.timeZone, 'listed')}</td></tr>`,
      )}</tbody></table></div>`
}`,
    })
  })

  scope.get('/offers/new', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const memberships = await membershipsOf(db, user.id)
    return reply.page({
      title: t('offers.newTitle'),
      breadcrumbs: [{ text: t('common.home'), href: `/${lang}/home` }, { text: t('offers.queueTitle'), href: `/${lang}/offers` }],
      body: html`<h1>${t('offers.newTitle')}</h1>
<p>${t('offers.newLead')}</p>
<p><a href="/${lang}/offers/eligibility">${t('offers.newCheck')}</a></p>
${memberships.length ? html`<form method="post" action="/${lang}/offers/new">${csrfField(reply.csrfToken())}${button({ text: t('offers.startOffer'), variant: 'start', preventDoubleClick: true })}</form>` : html`<p>${t('offers.noBusiness')}</p>`}`,
    })
  })

  scope.post('/offers/new', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const memberships = await membershipsOf(db, user.id)
    const business = memberships[0]?.business
    if (!business) throw new NotFoundError()
    const now = clock.now()
    const previous = await lastBusinessAnswers(db, business.id)
    const offer = await db.transaction().execute(async (trx) => {
      const offer = await insertDraft(trx, { businessId: business.id, userId: user.id, answers: previous ? { business: previous } : {}, now })
      await audit(trx, actorFrom(request, user), now, { action: 'offer.draft_created', businessId: business.id, objectType: 'offer', objectId: offer.id })
      return offer
    })
    return reply.redirect(`/${request.lang}/offers/${offer.id}/${SECTION_IDS[0]}`, 303)
  })

  const sectionPage = (request: FastifyRequest, reply: FastifyReply, offer: Offer, section: SectionId, values: Record<string, string | string[]>, version: number, errors?: FormErrors, conflict?: Offer, restored = false) => {
    const { t, lang } = request
    const n = SECTION_IDS.indexOf(section)
    const title = t(`offers.s_${section}`)
    const saved = conflict?.answers[section] ?? {}
    return reply.page(
      {
        title: `${title} - ${t('offers.newTitle')}`,
        errors,
        breadcrumbs: [{ text: t('offers.queueTitle'), href: `/${lang}/offers` }],
        body: html`<p class="hint">${t('offers.sectionOf', { n: n + 1, total: SECTION_IDS.length })}</p>
<h1>${title}</h1>
${restored ? notice({ kind: 'info', title: t('offers.restored') }) : ''}
${
  conflict
    ? notice({
        kind: 'warning',
        title: t('offers.conflictTitle'),
        body: html`<p>${t('offers.conflictBody')}</p><h3>${t('offers.conflictSaved')}</h3>${summaryList(
          SECTIONS[section].map((f) => ({ key: t(label(f.name)), value: [saved[f.name] ?? ''].flat().join(', ') })),
        )}`,
      })
    : ''
}
<form method="post" action="/${lang}/offers/${offer.id}/${section}" novalidate>
${csrfField(reply.csrfToken())}
<input type="hidden" name="version" value="${version}">
${SECTIONS[section].map((f) => renderField(t, lang, f, values[f.name], errors?.fields[f.name]))}
<div class="button-group">
${n > 0 ? button({ text: t('offers.previous'), name: 'nav', value: 'previous', variant: 'secondary' }) : ''}
${button({ text: t('offers.next'), name: 'nav', value: 'next' })}
${button({ text: t('offers.validate'), name: 'nav', value: 'validate', variant: 'secondary' })}
${button({ text: t('offers.saveExit'), name: 'nav', value: 'exit', variant: 'secondary' })}
</div>
</form>`,
      },
      errors || conflict ? (conflict ? 409 : 400) : 200,
    )
  }

  const errorsFor = (t: Translate, problems: FieldProblem[]) => formErrors(problems.map((p) => [p.field, problemText(t, p.problem)] as const))

  scope.get('/offers/:id', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const offer = await offerFor(user, (request.params as { id: string }).id)
    if (offer.status === 'draft') {
      const first = SECTION_IDS.find((s) => sectionProblems(s, offer.answers, lang, today()).length > 0)
      return reply.redirect(`/${lang}/offers/${offer.id}/${first ?? 'validate'}`, 303)
    }
    return reply.page({
      title: offer.offer_number ?? t('offers.queueTitle'),
      breadcrumbs: [{ text: t('offers.queueTitle'), href: `/${lang}/offers` }],
      body: html`<h1>${offer.offer_number ?? ''}</h1>${notice({ kind: 'info', title: t('offers.readOnlyTitle'), body: t('offers.readOnlyBody') })}`,
    })
  })

  scope.get('/offers/:id/validate', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const offer = await offerFor(user, (request.params as { id: string }).id)
    if (offer.status !== 'draft') return reply.redirect(`/${lang}/offers/${offer.id}`, 303)
    const problems = allProblems(offer.answers, lang, today())
    return reply.page({
      title: t('offers.validateTitle'),
      breadcrumbs: [{ text: t('offers.queueTitle'), href: `/${lang}/offers` }],
      body: html`<h1>${t('offers.validateTitle')}</h1>
${
  problems.length === 0
    ? notice({ kind: 'success', title: t('offers.allValid') })
    : html`<p>${t('offers.validateLead')}</p>
${SECTION_IDS.filter((s) => problems.some((p) => p.section === s)).map(
  (s) => html`<h2>${t(`offers.s_${s}`)}</h2><ul class="error-list">${problems
    .filter((p) => p.section === s)
    .map((p) => html`<li><a href="/${lang}/offers/${offer.id}/${s}?check=1#${fieldId(p.field)}">${problemText(t, p.problem)}</a></li>`)}</ul>`,
)}`
}
<h2>${t('offers.sectionsTitle')}</h2>
${summaryList(
  SECTION_IDS.map((s) => ({
    key: t(`offers.s_${s}`),
    value: problems.some((p) => p.section === s) ? t('offers.incomplete') : t('offers.complete'),
    action: { href: `/${lang}/offers/${offer.id}/${s}`, text: t('offers.open'), hidden: t(`offers.s_${s}`) },
  })),
)}`,
    })
  })

  scope.get('/offers/:id/:section', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { id, section } = request.params as { id: string; section: string }
    if (!isSection(section)) throw new NotFoundError()
    const offer = await offerFor(user, id)
    if (offer.status !== 'draft') return reply.redirect(`/${request.lang}/offers/${offer.id}`, 303)
    // A form sent after the session ended was kept by the sign-in feature: show it again.
    const stashed = takeStashedForm(request, `/${request.lang}/offers/${offer.id}/${section}`)
    const values = stashed ? answersFromForm(section, stashed) : (offer.answers[section] ?? {})
    const check = (request.query as Record<string, unknown>).check === '1'
    const problems = check ? sectionProblems(section, offer.answers, request.lang, today()) : []
    return sectionPage(request, reply, offer, section, values, offer.version, problems.length ? errorsFor(request.t, problems) : undefined, undefined, !!stashed)
  })

  scope.post('/offers/:id/:section', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const { id, section } = request.params as { id: string; section: string }
    if (!isSection(section)) throw new NotFoundError()
    const offer = await offerFor(user, id)
    const body = (request.body ?? {}) as Record<string, unknown>
    const values = answersFromForm(section, body)
    const version = Number(body.version)
    const now = clock.now()
    // Whatever was typed is saved, valid or not: nothing that reached the server is lost.
    const result = await saveSection(db, offer.id, section, values, Number.isInteger(version) ? version : -1, now)
    if (result.kind === 'readOnly') {
      return reply.page({ title: t('offers.readOnlyTitle'), body: html`<h1>${t('offers.readOnlyTitle')}</h1><p>${t('offers.readOnlyBody')}</p><p><a href="/${lang}/offers/${offer.id}">${t('offers.open')}</a></p>` }, 409)
    }
    if (result.kind === 'conflict') return sectionPage(request, reply, offer, section, values, result.offer.version, undefined, result.offer)
    await audit(db, actorFrom(request, user), now, { action: 'offer.section_saved', businessId: offer.business_id, objectType: 'offer', objectId: offer.id, details: { section } })

    const n = SECTION_IDS.indexOf(section)
    const nav = body.nav
    if (nav === 'previous') return reply.redirect(`/${lang}/offers/${offer.id}/${SECTION_IDS[Math.max(0, n - 1)]}`, 303)
    if (nav === 'validate') return reply.redirect(`/${lang}/offers/${offer.id}/validate`, 303)
    if (nav === 'exit') return reply.redirect(`/${lang}/offers`, 303)
    const merged: Answers = { ...offer.answers, [section]: values }
    const problems = sectionProblems(section, merged, lang, today())
    if (problems.length > 0) return sectionPage(request, reply, offer, section, values, result.version, errorsFor(t, problems))
    return reply.redirect(`/${lang}/offers/${offer.id}/${SECTION_IDS[n + 1] ?? 'validate'}`, 303)
  })
}
