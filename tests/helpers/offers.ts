import assert from 'node:assert/strict'
import type { TestApp } from './app.ts'
import type { HTMLElement } from 'node-html-parser'
import type { Form } from './http.ts'
import { createUser } from './users.ts'

/** A complete, valid offer, section by section (real names with accents and apostrophes). */
export const VALID_OFFER: Record<string, Form> = {
  exemption: { exemptionCode: 'C10', exemptionExplanation: 'A chef whose regional cooking brings a significant cultural benefit to Canada.', feeExemption: 'none' },
  business: { employees: '25', yearStarted: '2004', mainActivities: 'A restaurant serving Québécois cuisine.' },
  job: { jobTitle: 'Chef de cuisine', nocCode: '62200', mainDuties: 'Plan menus, run the kitchen, train cooks.', workStreet: '1 rue Principale', workCity: 'Québec', workProvince: 'QC', workPostalCode: 'G1R 4S9', startDate: '2027-06-01', endDate: '2028-05-31', hoursPerWeek: '40', additionalLocation: 'no' },
  requirements: { education: 'college', experienceYears: '5', languages: ['fr', 'en'] },
  wage: { wage: '32.50', wageUnit: 'hour', benefits: ['health', 'vacation'] },
  worker: { familyName: 'Nguyễn-O’Brien', givenNames: 'Thị Mai', sex: 'F', dateOfBirth: '1990-07-14', countryOfBirth: 'VN', countryOfResidence: 'VN', citizenship: 'VN', passportNumber: 'C1234567' },
  attestations: { agreement: 'yes', noFeeRecovery: 'yes', activelyEngaged: 'yes', compliesWithLaws: 'yes', sameOccupation: 'yes', abuseFree: 'yes' },
}

/** A business with its primary user (enrolled, as the enrolment feature would leave it). */
export async function businessWithPrimary(t: TestApp, username: string, bn: string, name: string, password?: string): Promise<{ userId: string; businessId: string }> {
  const user = await createUser(t.db, { username, password })
  const now = t.clock.now()
  const b = await t.db
    .insertInto('business')
    .values({ business_number: bn, legal_name: name, legal_name_key: name.toLowerCase(), operating_name: name, street: 's', city: 'c', province: 'QC', postal_code: 'G1R 4S9', phone: '+14185550123', employer_number: `E${bn.slice(0, 7)}`, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  await t.db.insertInto('business_membership').values({ business_id: b.id, user_id: user.id, role: 'primary', created_at: now }).execute()
  return { userId: user.id, businessId: b.id }
}

/** What a journey needs of a client: TestClient (app.inject) and HttpClient (real HTTP) both are one. */
export interface PageClient {
  get(path: string): Promise<{ status: number; location?: string | undefined; dom: HTMLElement }>
  post(path: string, form?: Form): Promise<{ status: number; location?: string | undefined; dom: HTMLElement }>
}

/** Starts a draft through the pages and returns its id. */
export async function startOffer(client: PageClient, lang = 'en'): Promise<string> {
  await client.get(`/${lang}/offers/new`)
  const res = await client.post(`/${lang}/offers/new`, {})
  const m = /\/offers\/([0-9a-f-]{36})\/exemption$/.exec(res.location ?? '')
  assert.ok(m, `unexpected redirect ${res.location}`)
  return m[1]!
}

/** Fills every section through the pages (Next each time), with `overrides` per section. */
export async function fillOffer(client: PageClient, id: string, lang = 'en', overrides: Record<string, Form> = {}): Promise<void> {
  for (const [section, values] of Object.entries(VALID_OFFER)) {
    const path = `/${lang}/offers/${id}/${section}`
    const page = await client.get(path)
    const version = page.dom.querySelector('input[name="version"]')!.getAttribute('value')!
    const res = await client.post(path, { version, ...values, ...overrides[section], nav: 'next' })
    assert.equal(res.status, 303, `${section}: ${res.status}`)
    assert.ok(!res.location?.endsWith('?check=1'), `${section} has problems: ${res.location}`)
  }
}

/** A multipart/form-data body with fields and one file, as a browser sends it. */
export function multipart(fields: Record<string, string>, file?: { field: string; name: string; type: string; content: Buffer }): { payload: Buffer; contentType: string } {
  const boundary = `----portal${Math.random().toString(16).slice(2)}`
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.content, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

/** The smallest real PNG (1×1 pixel). */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
/** A one-page PDF, as small as a reader accepts. */
export const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')
