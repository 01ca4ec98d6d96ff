import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config.ts'
import type { Db } from '../../db/connect.ts'
import { zodFormErrors } from '../../ui/form-errors.ts'
import { referencePaths } from './reference.paths.ts'
import { ELIGIBILITY_FIELDS, eligibilitySchema } from './reference.schema.ts'
import { decideEligibility } from './reference.service.ts'
import { eligibilityFormView, eligibilityResultView, exemptionCodesView, occupationSearchView, type EligibilityFormValues } from './reference.views.ts'
import { searchOccupations } from './noc.service.ts'
import { formatMoney } from './validators.ts'

/**
 * Public, informational pages: the list of LMIA exemption codes, the NOC 2021
 * occupation search (a GET form: works without JavaScript), and the
 * eligibility check that comes before "Submit an offer of employment". No sign-in.
 */
export function registerReferenceRoutes(scope: FastifyInstance, deps: { config: Pick<Config, 'feeCents'>; db: Db }): void {
  scope.get('/reference/occupations', async (request, reply) => {
    const { t, lang } = request
    const raw = (request.query as Record<string, unknown>).q
    const query = (typeof raw === 'string' ? raw : '').trim().slice(0, 100)
    const results = query ? await searchOccupations(deps.db, query, lang, 50) : undefined
    return reply.page({
      title: t('reference.occupations.title'),
      breadcrumbs: [{ text: t('common.home'), href: `/${lang}` }],
      body: occupationSearchView({ t, lang }, { query, results }),
    })
  })

  scope.get('/reference/exemption-codes', (request, reply) => {
    const { t, lang } = request
    return reply.page({
      title: t('reference.codes.title'),
      breadcrumbs: [{ text: t('common.home'), href: `/${lang}` }],
      body: exemptionCodesView({ t, lang }),
    })
  })

  scope.get('/offers/eligibility', (request, reply) => {
    const { t, lang } = request
    const query = request.query as EligibilityFormValues
    return reply.page({
      title: t('reference.eligibility.title'),
      breadcrumbs: [{ text: t('common.home'), href: `/${lang}` }],
      // "Check again" from a result keeps the answers given.
      body: eligibilityFormView({ t, lang }, { csrfToken: reply.csrfToken(), values: pickValues(query) }),
    })
  })

  scope.post('/offers/eligibility', (request, reply) => {
    const { t, lang } = request
    const values = pickValues(request.body)
    const parsed = eligibilitySchema.safeParse(values)
    if (!parsed.success) {
      const errors = zodFormErrors(t, parsed.error, {}, ELIGIBILITY_FIELDS)
      return reply.page(
        {
          title: t('reference.eligibility.title'),
          breadcrumbs: [{ text: t('common.home'), href: `/${lang}` }],
          errors,
          body: eligibilityFormView({ t, lang }, { csrfToken: reply.csrfToken(), values, errors }),
        },
        400,
      )
    }
    return reply.redirect(referencePaths.eligibilityResult(lang, parsed.data), 303)
  })

  scope.get('/offers/eligibility/result', (request, reply) => {
    const { t, lang } = request
    const parsed = eligibilitySchema.safeParse(pickValues(request.query))
    // A result address edited by hand (or incomplete) goes back to the questions.
    if (!parsed.success) return reply.redirect(referencePaths.eligibility(lang), 303)
    const decision = decideEligibility(parsed.data)
    return reply.page({
      title: t('reference.eligibility.resultTitle'),
      breadcrumbs: [
        { text: t('common.home'), href: `/${lang}` },
        { text: t('reference.eligibility.title'), href: referencePaths.eligibility(lang) },
      ],
      body: eligibilityResultView({ t, lang }, { decision, openPermit: parsed.data.openPermit, code: parsed.data.code, feeText: formatMoney(deps.config.feeCents, lang) }),
    })
  })
}

/** Only the two answers, as strings (a repeated field keeps its first value). */
function pickValues(source: unknown): EligibilityFormValues {
  const s = (source ?? {}) as Record<string, unknown>
  const one = (v: unknown): string | undefined => (Array.isArray(v) ? one(v[0]) : typeof v === 'string' ? v : undefined)
  return { openPermit: one(s.openPermit), code: one(s.code) }
}
