import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pdfObjects, pdfText } from '../../../tests/helpers/pdf-text.ts'
import { VALID_OFFER } from '../../../tests/helpers/offers.ts'
import type { Payment } from '../payment/payment.tables.ts'
import { offerPdf, receiptPdf } from './offers.pdf.ts'
import type { Offer } from './offers.tables.ts'

const at = new Date('2027-01-15T15:00:00Z')
const business = { legal_name: 'Bistro Québec Inc.', business_number: '123456789', employer_number: 'E1234567' }

/** A submitted offer whose optional fields were left empty (no additional information, no UCI). */
function offerWithEmptyOptionals(): Offer {
  const answers = structuredClone(VALID_OFFER) as Offer['answers']
  answers.job = { ...answers.job, additionalInfo: '' }
  answers.worker = { ...answers.worker, uci: '' }
  return {
    id: '00000000-0000-4000-8000-000000000001', business_id: 'b', branch_id: null, status: 'pending', offer_number: 'A1000001', answers, version: 8,
    worker_name: 'Nguyễn-O’Brien, Thị Mai', job_title: 'Chef de cuisine', created_by: 'u', created_at: at, updated_at: at, submitted_at: at,
    fee_exemption: null, needs_review: false, copied_from: null, copied_from_number: null, withdrawn_at: null, withdrawal_reason: null, passport_key: 'C1234567', worker_key: '',
    fee_review_assignee: null, fee_review_decision: null, fee_review_reason: null, fee_reviewed_by: null, fee_reviewed_at: null,
  }
}

/**
 * Where each line of text starts down the page, per page: the vertical position of every text
 * operation (pdfkit writes each run with its own `1 0 0 1 x y Tm`), runs of one line sharing it.
 */
function lineBaselines(pdf: Buffer): number[][] {
  const { source } = pdfObjects(pdf)
  const pages: number[][] = []
  for (const m of source.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    const content = m[1]!
    if (!/\bBT\b/.test(content)) continue
    const ys = [...content.matchAll(/1 0 0 1 [\d.]+ ([\d.]+) Tm/g)].map((t) => Number(t[1]))
    // Distinct lines, in the order drawn (runs continued on one line repeat its position).
    pages.push(ys.filter((y, i) => i === 0 || Math.abs(y - ys[i - 1]!) > 0.01))
  }
  return pages
}

describe('offer PDF: an empty optional answer keeps its line', () => {
  it('writes « — » for an empty answer, and no line is drawn over the one before (a heading after an empty row was)', async () => {
    const pdf = await offerPdf(offerWithEmptyOptionals(), business, [], 'America/Toronto', { uncompressed: true })
    const text = pdfText(pdf).replace(/\s+/g, ' ')
    assert.match(text, /Additional information \(optional\) \/ Renseignements supplémentaires \(facultatif\) ?: ?—/)
    assert.match(text, /UCI[^:]*: ?—/)
    const pages = lineBaselines(pdf)
    assert.ok(pages.length > 0 && pages.every((p) => p.length > 10), 'text on every page')
    for (const ys of pages) {
      for (let i = 1; i < ys.length; i++) {
        // Lines go down the page, each at least a 10-point line's height below the one before.
        assert.ok(ys[i - 1]! - ys[i]! >= 12, `line ${i} at ${ys[i]} overlaps the line before at ${ys[i - 1]}`)
      }
    }
  })

  it('the receipt writes « — » for a value it lacks (no transaction id), on a line of its own', async () => {
    const payment = { receipt_number: 'EC-2027-000001', approved_at: at, amount_cents: 23000, card_brand: 'visa', card_last4: '4242', gateway_transaction_id: null } as unknown as Payment
    const pdf = await receiptPdf(payment, [], offerWithEmptyOptionals(), business, 'America/Toronto', { uncompressed: true })
    assert.match(pdfText(pdf).replace(/\s+/g, ' '), /transaction number[^:]*: ?—/i)
    for (const ys of lineBaselines(pdf)) for (let i = 1; i < ys.length; i++) assert.ok(ys[i - 1]! - ys[i]! >= 12, `line ${i} overlaps the one before`)
  })
})
