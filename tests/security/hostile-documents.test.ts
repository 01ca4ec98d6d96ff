import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parse } from 'csv-parse/sync'
import type { LightMyRequestResponse } from 'fastify'
import { ApiTokenService } from '../../src/features/api/api-tokens.service.ts'
import { renderEmail } from '../../src/features/notifications/render.ts'
import { loadNocIfEmpty } from '../../src/features/reference/noc.service.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient } from '../helpers/http.ts'
import { businessWithPrimary, VALID_OFFER } from '../helpers/offers.ts'
import { pdfObjects, pdfText } from '../helpers/pdf-text.ts'
import { registerSignInAs, signInAs } from '../helpers/sign-in-as.ts'
import { createUser } from '../helpers/users.ts'
import { assertInert, IMG, SCRIPT } from './inert.ts'
import { bn } from './world.ts'

/** The worker's given names (not hostile: names refuse markup), in Cyrillic, Greek and Vietnamese. */
const GIVEN_NAMES = 'Олександр Νίκος Thị'
/** Text that would be an action if a PDF writer pasted it into a dictionary or a string unescaped. */
const PDF_BREAKOUT = ') /S /JavaScript /JS (app.alert(1)) /OpenAction << /S /URI /URI (javascript:alert(1)) >> ('
/** Cells a spreadsheet would run as formulas. */
const FORMULAS = ['=HYPERLINK("http://evil.example","x")', '+1+cmd|\' /C calc\'!A0', '-2+3', '@SUM(1,2)']

/**
 * What an API client typed, shown elsewhere: script payloads and PDF-breaking text sent
 * through the API come out of the offer PDF, the receipt PDF and the inspection dossier
 * PDF as literal text, with no JavaScript, OpenAction, Launch or URI action made of it;
 * e-mails escape them in the HTML part and keep them as typed in the text part; the
 * inspection CSV neutralizes spreadsheet formulas. (Pages: hostile-input.test.ts.)
 */
describe('hostile input through the API, in PDFs, e-mails and CSV exports', () => {
  let t: TestApp
  let owner: { userId: string; businessId: string }
  let member: TestClient
  let officer: TestClient
  let offerId: string
  /** Field → the hostile value it now holds (only fields whose section stayed complete). */
  const typed = new Map<string, string>()

  async function api(method: 'GET' | 'POST' | 'PUT', url: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return t.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, payload: body === undefined ? undefined : JSON.stringify(body) })
  }

  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    t.clock.set('2026-11-23T15:00:00Z')
    await loadNocIfEmpty(t.db)
    owner = await businessWithPrimary(t, 'hostile.docs', bn('27182818'), 'Docs Ltd.')
    // The business's name reaches the dossier's title (the PDF's metadata): a breakout attempt there too.
    await t.db.updateTable('business').set({ legal_name: `${SCRIPT} ${PDF_BREAKOUT}` }).where('id', '=', owner.businessId).execute()
    const user = await t.db.selectFrom('app_user').selectAll().where('id', '=', owner.userId).executeTakeFirstOrThrow()
    const token = (await new ApiTokenService({ db: t.db, clock: t.clock }).create(user, { name: 'docs', scopes: ['read', 'drafts', 'submit'], days: 30, businessId: owner.businessId }, { userId: null, label: 'test' }))!.value

    // A draft through the API: every free-text field gets a hostile value, kept where the section stays complete.
    const created = await api('POST', '/api/v1/offers', token, {})
    offerId = JSON.parse(created.body).id
    let version = JSON.parse(created.body).version as number
    const hostile = [SCRIPT, IMG, PDF_BREAKOUT, ...FORMULAS]
    let n = 0
    for (const [section, values] of Object.entries(VALID_OFFER)) {
      const body: Record<string, unknown> = { ...values }
      const texts = Object.entries(values).filter(([k, v]) => typeof v === 'string' && /[a-z]{3}/i.test(v) && !/^(yes|no|none|college|hour|[A-Z]{2})$/.test(v) && !/date|Code|Province|sex|country|citizenship|passport/i.test(k))
      // Names take letters, apostrophes, hyphens and dots only (so no markup): a leading hyphen is what a spreadsheet would run.
      // Letters of several scripts, which the PDFs draw with their own glyphs (src/features/offers/offers.pdf.test.ts).
      for (const [k, v] of texts) body[k] = k === 'familyName' ? '-Nguyễn-O’Brien' : k === 'givenNames' ? GIVEN_NAMES : `${hostile[n++ % hostile.length]} ${v}`
      let res = await api('PUT', `/api/v1/offers/${offerId}/sections/${section}`, token, body, { 'if-match': `"${version}"` })
      assert.equal(res.statusCode, 200, res.body)
      let json = JSON.parse(res.body) as { version: number; errors: Array<{ field: string }> }
      version = json.version
      if (json.errors.length > 0) {
        // A field that refuses its hostile value gets its valid one back.
        for (const e of json.errors) body[e.field] = values[e.field]
        res = await api('PUT', `/api/v1/offers/${offerId}/sections/${section}`, token, body, { 'if-match': `"${version}"` })
        json = JSON.parse(res.body)
        version = json.version
        assert.deepEqual(json.errors, [], section)
      }
      for (const [k] of texts) if (body[k] !== values[k] && k !== 'givenNames') typed.set(k, body[k] as string)
    }
    assert.ok(typed.size >= 6, `hostile values kept in: ${[...typed.keys()].join(', ')}`)
    for (const field of ['jobTitle', 'familyName', 'mainDuties']) assert.ok(typed.has(field), `${field} holds a hostile value`)

    // Submitted through the API; the fee paid in the pages (the embedded test gateway).
    const submitted = await api('POST', `/api/v1/offers/${offerId}/submit`, token, {}, { 'if-match': `"${version}"` })
    assert.equal(submitted.statusCode, 202, submitted.body)
    member = new TestClient(t.app)
    await signInAs(member, owner.userId)
    await member.get(`/en/offers/${offerId}`)
    const started = await member.post(`/en/offers/${offerId}/pay`, {})
    const checkout = started.location!.replace(t.config.publicBaseUrl, '')
    await member.get(checkout)
    const paid = await member.post(checkout, { cardNumber: '4242424242424242', expiry: '12/29', securityCode: '123', cardholderName: SCRIPT, action: 'pay' })
    let page = await member.get(paid.location!.replace(t.config.publicBaseUrl, ''))
    while (page.status === 303) page = await member.get(page.location!.replace(t.config.publicBaseUrl, ''))
    const offer = await t.db.selectFrom('offer').select(['status', 'offer_number']).where('id', '=', offerId).executeTakeFirstOrThrow()
    assert.equal(offer.status, 'pending')

    officer = new TestClient(t.app)
    await signInAs(officer, (await createUser(t.db, { username: 'hostile.docs.officer', role: 'officer' })).id)
  })
  after(() => t.close())

  const valueOf = (field: string) => typed.get(field) ?? GIVEN_NAMES

  /** The PDF reads back with every hostile value as text, and holds no action or script made of them. */
  function assertPdfInert(pdf: Buffer, values: readonly string[], where: string): void {
    const words = pdfText(pdf).replace(/\s+/g, ' ')
    for (const v of values) assert.ok(words.includes(v.replace(/\s+/g, ' ')), `${where}: "${v}" is in the text`)
    const source = dictionaries(pdf)
    for (const name of ['/JavaScript', '/JS', '/OpenAction', '/AA', '/Launch', '/URI', '/SubmitForm', '/ImportData', '/RichMedia', '/EmbeddedFile', '/XFA', '/AcroForm']) {
      assert.ok(!new RegExp(`${name.replace('/', '\\/')}(?![A-Za-z])`).test(source), `${where}: ${name} in the PDF`)
    }
  }

  /**
   * The PDF's dictionaries (each object before its stream, and the trailer) with every
   * string emptied: where actions would be. Inside a string, "/JavaScript" is only text,
   * provided the string's parentheses were escaped — a string that ends early leaves the
   * rest as keys, which this would show.
   */
  function dictionaries(pdf: Buffer): string {
    const { objects } = pdfObjects(pdf)
    const raw = pdf.toString('latin1')
    const parts = [...objects.values()].map((body) => body.split(/\bstream\r?\n/)[0]!)
    parts.push(raw.slice(raw.lastIndexOf('endobj') + 6))
    return parts.map(withoutStrings).join('\n')
  }

  function withoutStrings(text: string): string {
    let out = ''
    let depth = 0
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!
      if (depth > 0) {
        if (c === '\\') i++
        else if (c === '(') depth++
        else if (c === ')') depth--
        if (depth === 0) out += '()'
      } else if (c === '(') depth = 1
      else out += c
    }
    return out.replace(/<[0-9a-fA-F\s]*>(?!>)/g, '<>')
  }

  async function download(client: TestClient, url: string): Promise<Buffer> {
    const res = await client.get(url)
    assert.equal(res.status, 200, url)
    return res.raw.rawPayload
  }

  it('the offer PDF and the receipt PDF: the values as text, no action', async () => {
    const pdf = await download(member, `/en/offers/${offerId}/offer.pdf`)
    assertPdfInert(pdf, [...typed.values()], 'offer PDF')
    const payment = await t.db.selectFrom('payment').select('id').where('status', '=', 'approved').executeTakeFirstOrThrow()
    const receipt = await download(member, `/fr/offers/${offerId}/payments/${payment.id}/receipt.pdf`)
    assertPdfInert(receipt, [], 'receipt PDF')
    assert.match(pdfText(receipt).replace(/\s+/g, ' '), new RegExp(SCRIPT.replace(/[()]/g, '\\$&')), 'the business name, as text')
  })

  it('the inspection dossier: PDF with the values as text and no action; CSV with every formula neutralized', async () => {
    const exportAs = async (format: 'pdf' | 'csv') => {
      await officer.get(`/en/console/employers/${owner.businessId}`)
      const res = await officer.post(`/en/console/employers/${owner.businessId}/exports`, { format })
      assert.equal(res.status, 303)
      const status = await officer.follow(res)
      assertInert(status, `export ${format}`)
      return download(officer, status.dom.querySelector('a[href$="/download"]')!.getAttribute('href')!)
    }
    const pdf = await exportAs('pdf')
    assertPdfInert(pdf, [typed.get('jobTitle')!, `${valueOf('familyName')}, ${valueOf('givenNames')}`], 'dossier PDF')
    // The title (with the business's name) is in the metadata: a PDF string in the Info dictionary (no action
    // above), and XML in the XMP stream, escaped there (pdfkit wrote it raw: elements could be injected).
    const source = pdfObjects(pdf).source
    assert.match(source, /<rdf:li xml:lang="x-default">[^<]*&#60;script&#62;alert\(1\)&#60;\/script&#62;/)
    assert.doesNotMatch(source, /<rdf:li[^>]*>[^<]*<script>/)

    const csv = await exportAs('csv')
    const rows = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][]
    assert.ok(rows.length >= 2)
    for (const row of rows) for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `a cell a spreadsheet would run: ${cell}`)
    const header = rows[0]!
    const offerRow = rows.find((r) => r[header.indexOf('Job title / Titre du poste')] !== undefined && r[0]!.startsWith('A'))!
    // What was typed is all there, behind the apostrophe that makes it text.
    assert.equal(offerRow[header.indexOf('Job title / Titre du poste')], `'${typed.get('jobTitle')}`.replace(/^'(?![=+\-@\t\r])/, ''))
    assert.equal(offerRow[header.indexOf('Foreign national / Ressortissant étranger')], `'${valueOf('familyName')}, ${valueOf('givenNames')}`.replace(/^'(?![=+\-@\t\r])/, ''))
  })

  it('e-mails: the HTML part escapes the values, the text part keeps them as typed', async () => {
    // Withdrawn through the API with a hostile reason: the withdrawal e-mail carries it.
    const user = await t.db.selectFrom('app_user').selectAll().where('id', '=', owner.userId).executeTakeFirstOrThrow()
    const token = (await new ApiTokenService({ db: t.db, clock: t.clock }).create(user, { name: 'docs2', scopes: ['read', 'submit'], days: 30, businessId: owner.businessId }, { userId: null, label: 'test' }))!.value
    const reason = `${SCRIPT} ${IMG} ${FORMULAS[0]}\r\nBcc: victim@example.com`
    const withdrawn = await api('POST', `/api/v1/offers/${offerId}/withdraw`, token, { reason })
    assert.equal(withdrawn.statusCode, 200, withdrawn.body)
    const mails = await t.db.selectFrom('email_outbox').select(['template', 'params', 'lang']).where('template', 'in', ['offerSubmitted', 'offerWithdrawn', 'paymentReceipt']).execute()
    assert.deepEqual([...new Set(mails.map((m) => m.template))].sort(), ['offerSubmitted', 'offerWithdrawn', 'paymentReceipt'])
    let carried = 0
    for (const m of mails) {
      for (const lang of ['en', 'fr'] as const) {
        const email = renderEmail(m.template, lang, m.params, t.config.publicBaseUrl)
        const where = `${m.template} (${lang})`
        assert.ok(!email.html.includes(SCRIPT) && !email.html.includes('<img src=x'), `${where}: markup in the HTML part`)
        assert.doesNotMatch(email.html, /<(?!\/?(?:html|head|meta|title|body|p|br|a|hr|small)\b)[a-z]/i, `${where}: an element we did not write`)
        assert.doesNotMatch(email.html, /href="\s*javascript:/i, where)
        assert.doesNotMatch(email.subject, /[\r\n]/, `${where}: a line break in the subject`)
        const values = Object.values(m.params).map(String).filter((v) => v.includes(SCRIPT) || v.includes(IMG))
        for (const v of values) {
          assert.ok(email.text.includes(v), `${where}: the text part keeps "${v}" as typed`)
          assert.ok(email.html.includes(v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').split('\r\n')[0]!.slice(0, 20)), `${where}: shown escaped in the HTML part`)
          carried++
        }
      }
    }
    assert.ok(carried >= 4, `${carried} hostile values went through e-mails`)
    // The pages that show the same values stay inert.
    for (const url of [`/en/offers/${offerId}`, `/fr/offers/${offerId}`, '/en/offers', '/en/messages']) assertInert(await member.get(url), url)
  })
})
