import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient } from '../helpers/http.ts'
import { multipart, TINY_PDF, TINY_PNG } from '../helpers/offers.ts'
import { registerSignInAs, signInAs } from '../helpers/sign-in-as.ts'
import { assertInert, assertShown, SCRIPT } from './inert.ts'
import { buildWorld, rowCounts, type World } from './world.ts'

/**
 * Hostile files through the supporting-documents form: script in the file name is inert
 * wherever the name is shown and cannot break out of the download's Content-Disposition;
 * a file is typed by its bytes, never by its name or the browser's claim (HTML, SVG and
 * executables dressed as PDF or PNG are refused); a download is never rendered as a page.
 */
describe('hostile uploads', () => {
  let t: TestApp
  let world: World
  let client: TestClient
  let offerId: string
  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    world = await buildWorld(t, 'up')
    client = new TestClient(t.app)
    await signInAs(client, world.users.primaryA.id)
    offerId = await world.fx.newDraftA()
  })
  after(() => t.close())

  const upload = async (name: string, type: string, content: Buffer) => {
    await client.get(`/en/offers/${offerId}/documents`)
    const body = multipart({ _csrf: client.csrf! }, { field: 'document', name, type, content })
    return client.request('POST', `/en/offers/${offerId}/documents`, { payload: body.payload, headers: { 'content-type': body.contentType } })
  }

  it('script in a file name is shown escaped, and cannot add to or end the download header', async () => {
    // Names are cut at the last slash or backslash (path traversal), and a browser sends a double
    // quote in a file name as %22: the payloads here have none of those.
    const names = ['<img src=x onerror=alert(1)>.pdf', '<svg onload=alert(1)>.pdf', "évil'; filename=run.exe; x='.pdf", 'a&b <i>x<i> &amp; &lt;.pdf']
    for (const name of names) assert.equal((await upload(name, 'application/pdf', TINY_PDF)).status, 303, name)
    for (const lang of ['en', 'fr']) {
      const page = await client.get(`/${lang}/offers/${offerId}/documents`)
      assert.equal(page.status, 200)
      assertInert(page, `documents page (${lang})`)
      assertShown(page, names, `documents page (${lang})`)
      const offer = await client.get(`/${lang}/offers/${offerId}`)
      assertInert(offer, `offer page (${lang})`)
    }
    const docs = await t.db.selectFrom('offer_document').select(['id', 'file_name']).where('offer_id', '=', offerId).execute()
    assert.equal(docs.length, names.length)
    for (const doc of docs) {
      const download = await client.get(`/en/offers/${offerId}/documents/${doc.id}`)
      assert.equal(download.status, 200)
      const disposition = String(download.headers['content-disposition'])
      // attachment; filename="<printable ASCII without quotes or backslashes>"; filename*=UTF-8''<percent-encoded>
      assert.match(disposition, /^attachment; filename="[\x20\x21\x23-\x5b\x5d-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%!'()*._~-]*$/, disposition)
      assert.equal(download.headers['content-type'], 'application/pdf')
      assert.equal(download.headers['x-content-type-options'], 'nosniff')
    }
  })

  it('a file is typed by its bytes: HTML, SVG with script and a program dressed as PDF or PNG are refused, nothing stored', async () => {
    const before_ = await rowCounts(t.db)
    const stored = async () => (await t.db.selectFrom('offer_document').select('id').where('offer_id', '=', offerId).execute()).length
    const count = await stored()
    for (const [name, type, content] of [
      ['page.pdf', 'application/pdf', Buffer.from(`<!doctype html><html><body>${SCRIPT}</body></html>`)],
      ['image.png', 'image/png', Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">${SCRIPT}</svg>`)],
      ['scan.pdf', 'application/pdf', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)])],
      ['photo.png', 'image/png', Buffer.concat([Buffer.from('#!/bin/sh\nrm -rf /\n'), TINY_PNG])],
    ] as const) {
      const res = await upload(name, type, content)
      assert.equal(res.status, 400, name)
      assertInert(res, name)
    }
    assert.equal(await stored(), count)
    const after_ = await rowCounts(t.db)
    // Refusals may be audited, never stored as documents.
    for (const [table, n] of Object.entries(before_)) if (table !== 'audit_event') assert.equal(after_[table], n, table)
  })
})
