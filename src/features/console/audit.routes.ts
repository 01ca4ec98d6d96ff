import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import { html } from '../../platform/html.ts'
import { button, select, textInput } from '../../ui/components.ts'
import { formErrors } from '../../ui/form-errors.ts'
import { requireStaff } from '../auth/guards.ts'
import { findUserByUsername } from '../auth/users.repository.ts'
import { AUDIT_PAGE_SIZE, distinctActions, searchAudit, type AuditFilter } from './audit.repository.ts'
import { formatInZone } from '../../platform/dates.ts'
import { formatBusinessNumber } from '../reference/validators.ts'
import { actionWords, actorWords, detailFacts, detailsWords, namesIn, objectOf, objectWords } from './audit.details.ts'
import { csvCell } from './inspection.service.ts'

const DATE = /^\d{4}-\d{2}-\d{2}$/

function parseDay(value: string): Date | undefined {
  if (!DATE.test(value)) return undefined
  const d = new Date(`${value}T00:00:00Z`)
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value ? undefined : d
}

/** The trail's filters as typed, what they select, and what is wrong with them (one reading for the page and its CSV). */
async function readAuditFilter(request: FastifyRequest, db: Db) {
  const { t } = request
  const q = request.query as Record<string, unknown>
  const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim() : '')
  const values = { actor: s('actor'), business: s('business'), action: s('action'), from: s('from'), to: s('to') }
  const problems: Array<[string, string]> = []
  const filter: AuditFilter = {}
  if (values.actor) {
    const user = await findUserByUsername(db, values.actor)
    filter.actorLabel = values.actor
    if (user) filter.actorUserId = user.id
  }
  if (values.business) {
    const key = values.business.replace(/\s+/g, '').toUpperCase()
    const business = await db.selectFrom('business').select('id').where((eb) => eb.or([eb('business_number', '=', key), eb('employer_number', '=', key)])).executeTakeFirst()
    if (business) filter.businessId = business.id
    else problems.push(['business', t('console.errBusiness')])
  }
  if (values.action) filter.action = values.action
  if (values.from) {
    const d = parseDay(values.from)
    if (d) filter.from = d
    else problems.push(['from', t('console.errDate')])
  }
  if (values.to) {
    const d = parseDay(values.to)
    if (d) filter.to = new Date(d.getTime() + 86_400_000)
    else problems.push(['to', t('console.errDate')])
  }
  if (filter.from && filter.to && filter.from >= filter.to) problems.push(['from', t('console.errRange')])
  return { values, filter, errors: problems.length ? formErrors(problems) : undefined, given: new URLSearchParams(Object.fromEntries(Object.entries(values).filter(([, v]) => v))) }
}

/** Entries read for the CSV per statement: the whole trail is streamed, never held. */
const CSV_CHUNK = 1000

/** The audit trail viewer: filters by actor, business, action and dates; newest first; the same entries as CSV. */
export function registerAuditRoutes(scope: FastifyInstance, deps: { db: Db; timeZone: string }): void {
  scope.get('/console/audit.csv', async (request, reply) => {
    if (!requireStaff(request, reply)) return reply
    const { t, lang } = request
    const { filter, errors, given } = await readAuditFilter(request, deps.db)
    // Filters that cannot be read: the page says why.
    if (errors) return reply.redirect(`/${lang}/console/audit?${given.toString()}`, 303)
    const { db, timeZone } = deps
    async function* lines() {
      yield '\uFEFF' + [t('console.when'), t('console.who'), t('console.what'), t('console.auditCsvBusiness'), t('console.object'), t('console.where'), t('console.details')].map(csvCell).join(',') + '\r\n'
      let before = filter.before
      for (;;) {
        const rows = await searchAudit(db, { ...filter, before }, CSV_CHUNK)
        const chunk = rows.slice(0, CSV_CHUNK)
        const names = await namesIn(db, chunk)
        let out = ''
        for (const r of chunk) {
          const business = r.legal_name ? `${r.legal_name} (${formatBusinessNumber(r.business_number)})` : ''
          const cells = [formatInZone(lang, r.occurred_at, timeZone, 'precise'), actorWords(t, names, r), actionWords(t, r.action), business, objectOf(t, names, r.object_type, r.object_id).text, r.ip ?? '', detailFacts(t, lang, timeZone, names, r.details, r.action).join('; ')]
          out += cells.map(csvCell).join(',') + '\r\n'
        }
        yield out
        const last = chunk[chunk.length - 1]
        if (rows.length <= CSV_CHUNK || !last) return
        before = { at: last.occurred_at, id: last.id }
      }
    }
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${t('console.auditCsvFile')}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(lines()))
  })

  scope.get('/console/audit', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const { t, lang } = request
    const q = request.query as Record<string, unknown>
    const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim() : '')
    const { values, filter, errors, given } = await readAuditFilter(request, deps.db)
    const cursor = /^(\d{4}-[\d:.TZ-]+)_(\d+)$/.exec(s('before'))
    if (cursor) filter.before = { at: new Date(cursor[1]!), id: Number(cursor[2]) }
    const rows = errors ? [] : await searchAudit(deps.db, filter)
    const page = rows.slice(0, AUDIT_PAGE_SIZE)
    const last = page[page.length - 1]
    const nextQuery = new URLSearchParams({ ...Object.fromEntries(Object.entries(values).filter(([, v]) => v)), ...(last ? { before: `${last.occurred_at.toISOString()}_${last.id}` } : {}) })
    // Actions in words, in the reader's language, in the order they read (the code is the value the filter sends).
    const collator = new Intl.Collator(lang === 'fr' ? 'fr-CA' : 'en-CA')
    const actions = (await distinctActions(deps.db)).map((a) => ({ value: a, text: actionWords(t, a) })).sort((a, b) => collator.compare(a.text, b.text))
    const names = await namesIn(deps.db, page)
    return reply.page(
      {
        title: t('console.auditTitle'),
        errors,
        breadcrumbs: [{ text: t('account.consoleTitle'), href: `/${lang}/console` }],
        body: html`<h1>${t('console.auditTitle')}</h1>
<p>${t('console.auditLead')}</p>
<form method="get" action="/${lang}/console/audit" novalidate>
${textInput({ t, name: 'actor', label: t('console.actor'), value: values.actor, width: '20', spellcheck: false, error: errors?.fields.actor })}
${textInput({ t, name: 'business', label: t('console.business'), value: values.business, width: '20', spellcheck: false, error: errors?.fields.business })}
${select({ t, name: 'action', label: t('console.action'), value: values.action, placeholder: t('console.anyAction'), options: actions })}
${textInput({ t, name: 'from', label: t('console.from'), value: values.from, width: '10', inputmode: 'numeric', error: errors?.fields.from })}
${textInput({ t, name: 'to', label: t('console.to'), value: values.to, width: '10', inputmode: 'numeric', error: errors?.fields.to })}
${button({ text: t('console.search'), variant: 'secondary' })}
</form>
${errors ? '' : html`<p><a href="/${lang}/console/audit.csv${given.size ? `?${given.toString()}` : ''}" download>${t('console.auditCsv')}</a></p>`}
${
  page.length === 0
    ? html`<p>${t('console.noEntries')}</p>`
    : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table">
<caption class="visually-hidden">${t('console.auditTitle')}</caption>
<thead><tr><th scope="col">${t('console.when')}</th><th scope="col">${t('console.who')}</th><th scope="col">${t('console.what')}</th><th scope="col">${t('console.object')}</th><th scope="col">${t('console.where')}</th><th scope="col">${t('console.details')}</th></tr></thead>
<tbody>${page.map(
        (r) => html`<tr><td>${formatInZone(lang, r.occurred_at, deps.timeZone, 'precise')}</td><td>${actorWords(t, names, r)}</td><td>${actionWords(t, r.action)}</td><td>${r.legal_name ? html`${r.legal_name} (${formatBusinessNumber(r.business_number)})<br>` : ''}${objectWords(t, lang, names, r.object_type, r.object_id)}</td><td>${r.ip ?? ''}</td><td>${detailsWords(t, lang, deps.timeZone, names, r.details, r.action)}</td></tr>`,
      )}</tbody></table></div>
<nav aria-label="${t('console.auditTitle')}"><ul class="pagination">${s('before') ? html`<li><a href="/${lang}/console/audit?${new URLSearchParams(Object.fromEntries(Object.entries(values).filter(([, v]) => v))).toString()}">${t('console.newest')}</a></li>` : ''}${
        rows.length > AUDIT_PAGE_SIZE ? html`<li><a href="/${lang}/console/audit?${nextQuery.toString()}">${t('console.older')}</a></li>` : ''
      }</ul></nav>`
}`,
      },
      errors ? 400 : 200,
    )
  })
}
