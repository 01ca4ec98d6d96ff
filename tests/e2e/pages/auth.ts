import type { Page } from 'playwright-core'

/** Page objects for sign-in and registration, addressed by their visible labels. */
export const labels = {
  en: { username: 'Username', email: 'Email address', password: 'Password', confirm: 'Confirm password', register: 'Register', signIn: 'Sign in', givenName: 'First name', familyName: 'Last name(s)', save: 'Save', signOut: 'Sign out' },
  fr: { username: 'Nom d’utilisateur', email: 'Adresse courriel', password: 'Mot de passe', confirm: 'Confirmer le mot de passe', register: 'S’inscrire', signIn: 'Se connecter', givenName: 'Prénom', familyName: 'Nom(s) de famille', save: 'Enregistrer', signOut: 'Se déconnecter' },
} as const

export type Lang = keyof typeof labels

export async function register(page: Page, base: string, lang: Lang, user: { username: string; email: string; password: string }): Promise<void> {
  const l = labels[lang]
  await page.goto(`${base}/${lang}/register`)
  await page.getByLabel(l.username, { exact: false }).first().fill(user.username)
  await page.getByLabel(l.email).fill(user.email)
  await page.getByLabel(l.password, { exact: true }).fill(user.password)
  await page.getByLabel(l.confirm).fill(user.password)
  // Wait for the answer: going elsewhere at once would cancel the registration (see signIn).
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('button', { name: l.register }).click()])
}

export async function signIn(page: Page, base: string, lang: Lang, username: string, password: string): Promise<void> {
  const l = labels[lang]
  if (!page.url().includes('/sign-in')) await page.goto(`${base}/${lang}/sign-in`)
  await page.getByLabel(l.username).fill(username)
  await page.getByLabel(l.password, { exact: true }).fill(password)
  // Wait for the answer to land (a redirect, or the page again with an error): a caller that goes
  // elsewhere at once would otherwise cancel the sign-in mid-way (a race a fast machine exposes).
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('button', { name: l.signIn, exact: true }).click()])
}

/** Moves the running portal's clock (PORTAL_TEST_CLOCK). */
export async function advanceClock(base: string, minutes: number): Promise<void> {
  const res = await fetch(`${base}/__test/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ minutes }) })
  if (!res.ok) throw new Error(`clock: ${res.status}`)
}

/** A label that starts with `text` (labels may end with "(required)"). */
export function startingWith(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)
}
