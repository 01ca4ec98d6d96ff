import type { Lang } from '../../i18n/i18n.ts'

function answersQuery(answers?: { openPermit: string; code?: string | undefined }): string {
  if (!answers) return ''
  return `?${new URLSearchParams({ openPermit: answers.openPermit, ...(answers.code ? { code: answers.code } : {}) }).toString()}`
}

/** Every address of the reference feature, so links and redirects are never string literals. */
export const referencePaths = {
  exemptionCodes: (lang: Lang) => `/${lang}/reference/exemption-codes`,
  occupations: (lang: Lang, query?: string) => `/${lang}/reference/occupations${query ? `?${new URLSearchParams({ q: query }).toString()}` : ''}`,
  /** The eligibility questions, pre-filled with earlier answers when given. */
  eligibility: (lang: Lang, answers?: { openPermit: string; code?: string | undefined }) => `/${lang}/offers/eligibility${answersQuery(answers)}`,
  eligibilityResult: (lang: Lang, answers: { openPermit: string; code?: string | undefined }) => `/${lang}/offers/eligibility/result${answersQuery(answers)}`,
  /** The offer wizard's first page (the offers feature). */
  newOffer: (lang: Lang, code?: string) => `/${lang}/offers/new${code ? `?code=${encodeURIComponent(code)}` : ''}`,
}
