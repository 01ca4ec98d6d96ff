import type { FastifyInstance } from 'fastify'
import { isUuid } from '../../platform/ids.ts'
import { isStorableText } from '../../platform/unstorable.ts'
import { formErrors } from '../../ui/form-errors.ts'
import { requireStaff } from '../auth/guards.ts'
import type { WorkDeps } from './matching.routes.ts'
import { employerHitKey, employerQuery, offerHitKey, offerQuery, outcomesOf, SEARCH_PAGE_SIZE, searchEmployers, searchOffers } from './search.repository.ts'
import { searchView, type SearchModel } from './search.views.ts'
import { searchQuery } from './work.schema.ts'

/** A keyset cursor: the last row's key and id, base64url so any key survives the address. */
function encodeCursor(key: string, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url')
}
function decodeCursor(value: string): { key: string; id: string } | undefined {
  if (!value || value.length > 600) return undefined
  try {
    const v = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string' && isUuid(v[1]) && isStorableText(v[0])) return { key: v[0], id: v[1] }
  } catch {
    // a hand-made cursor: the first page
  }
  return undefined
}

/** Searching employers and offers (GET: a search is bookmarkable and changes nothing). */
export function registerSearchRoutes(scope: FastifyInstance, deps: WorkDeps): void {
  scope.get('/console/search', async (request, reply) => {
    if (!requireStaff(request, reply)) return reply
    const { t, lang } = request
    const raw = request.query as Record<string, unknown>
    const parsed = searchQuery.safeParse(raw)
    const input = parsed.success ? parsed.data : { kind: 'employers' as const, q: '', after: '' }
    const model: SearchModel = { kind: input.kind, q: input.q }
    const submitted = typeof raw.q === 'string'
    if (submitted) {
      const after = decodeCursor(input.after)
      if (input.q === '') model.errors = formErrors([['q', t('consoleWork.search.errEmpty')]])
      else if (input.kind === 'employers') {
        const query = employerQuery(input.q)
        if (!query) model.errors = formErrors([['q', t('consoleWork.search.errShort')]])
        else {
          const rows = await searchEmployers(deps.db, query, after)
          model.employers = rows.slice(0, SEARCH_PAGE_SIZE)
          const last = model.employers.at(-1)
          if (rows.length > SEARCH_PAGE_SIZE && last) model.nextHref = `/${lang}/console/search?${new URLSearchParams({ kind: input.kind, q: input.q, after: encodeCursor(employerHitKey(query, last), last.id) })}`
        }
      } else {
        const query = offerQuery(input.q)
        if (!query) model.errors = formErrors([['q', t('consoleWork.search.errShort')]])
        else {
          const rows = await searchOffers(deps.db, query, after)
          model.offers = rows.slice(0, SEARCH_PAGE_SIZE)
          // A matched offer's status says its work permit decision, once one is recorded.
          model.outcomes = await outcomesOf(deps.db, model.offers.filter((o) => o.status === 'matched').map((o) => o.id))
          const last = model.offers.at(-1)
          if (rows.length > SEARCH_PAGE_SIZE && last) model.nextHref = `/${lang}/console/search?${new URLSearchParams({ kind: input.kind, q: input.q, after: encodeCursor(offerHitKey(query, last), last.id) })}`
        }
      }
      if (after && !model.errors) model.firstHref = `/${lang}/console/search?${new URLSearchParams({ kind: input.kind, q: input.q })}`
    }
    return reply.page(
      {
        title: t('consoleWork.search.title'),
        breadcrumbs: [{ text: t('account.consoleTitle'), href: `/${lang}/console` }],
        errors: model.errors,
        body: searchView(t, lang, deps.timeZone, model),
      },
      model.errors ? 400 : 200,
    )
  })
}
