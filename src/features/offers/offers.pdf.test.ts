import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { describe, it } from 'node:test'
import * as fontkit from 'fontkit'
import { pdfObjects, pdfStructure, pdfText } from '../../../tests/helpers/pdf-text.ts'
import { VALID_OFFER } from '../../../tests/helpers/offers.ts'
import { COMPOSED_FROM_PARTS, fontRuns } from '../../platform/pdf-layout.ts'
import { renderPdf } from '../../platform/pdf.ts'
import type { Payment } from '../payment/payment.tables.ts'
import { offerPdf, receiptPdf } from './offers.pdf.ts'
import type { Offer } from './offers.tables.ts'

/**
 * Names in any script reach the PDFs as letters: each name is read back out of the
 * compressed PDF through the embedded fonts' ToUnicode maps, and no character was drawn as
 * the missing-glyph box (glyph 0, which pdfkit maps to U+0000).
 */
const at = new Date('2027-01-15T15:00:00Z')
const business = { legal_name: 'Bistro Québec Inc.', business_number: '123456789', employer_number: 'E1234567' }

function offerFor(worker: { familyName: string; givenNames: string }): Offer {
  const answers = structuredClone(VALID_OFFER) as Offer['answers']
  answers.worker = { ...answers.worker, ...worker }
  return {
    id: '00000000-0000-4000-8000-000000000001', business_id: 'b', branch_id: null, status: 'pending', offer_number: 'A1000001', answers, version: 8,
    worker_name: `${worker.givenNames} ${worker.familyName}`, job_title: 'Chef de cuisine', created_by: 'u', created_at: at, updated_at: at, submitted_at: at,
    fee_exemption: null, needs_review: false, copied_from: null, copied_from_number: null, withdrawn_at: null, withdrawal_reason: null, passport_key: 'c1234567', worker_key: '',
    fee_review_assignee: null, fee_review_decision: null, fee_review_reason: null, fee_reviewed_by: null, fee_reviewed_at: null,
  }
}

const payment = { receipt_number: 'R2027-000001', approved_at: at, amount_cents: 23000, card_brand: 'visa', card_last4: '4242', gateway_transaction_id: 'T-1' } as Payment

/**
 * The PDF's text without white space (pdfkit starts a new text operation wherever a glyph
 * is moved, as marks and Arabic letters are, and the reader puts a line break there);
 * every glyph drawn is a real one.
 */
function readBack(pdf: Buffer): string {
  const text = pdfText(pdf)
  assert.ok(!text.includes('\u0000'), `a missing-glyph box in: ${JSON.stringify(text.slice(0, 400))}`)
  return squeeze(text)
}
const squeeze = (s: string) => s.replace(/\s+/g, '')
/** "Label / Étiquette: value" as the PDF reads back. */
const row = (label: string, value: string) => squeeze(`${label}: ${value}`)
const FAMILY = 'Family name / Nom de famille'
const GIVEN = 'Given name(s) / Prénom(s)'

/** The embedded fonts' names (subset tag removed). */
const embeddedFonts = (pdf: Buffer) => [...new Set([...pdfObjects(pdf).source.matchAll(/\/BaseFont \/[A-Z]{6}\+(\S+)/g)].map((m) => m[1]!))].sort()

describe('PDFs: names in Latin, Vietnamese, Greek, Cyrillic, Devanagari and Arabic keep their letters', () => {
  const names = [
    ['Cyrillic (Ukrainian)', { familyName: 'Шевченко', givenNames: 'Олександр' }],
    ['Greek', { familyName: 'Παπαδόπουλος', givenNames: 'Νίκος' }],
    ['Vietnamese', { familyName: 'Nguyễn', givenNames: 'Thị Ánh' }],
    ['Latin Extended', { familyName: 'Łukasiewicz-Øvergård', givenNames: 'Žofia Ğül' }],
  ] as const
  for (const [script, worker] of names) {
    it(`the offer PDF: a ${script} name reads back`, async () => {
      const text = readBack(await offerPdf(offerFor(worker), business, [], 'America/Toronto'))
      assert.ok(text.includes(row(FAMILY, worker.familyName)), text)
      assert.ok(text.includes(row(GIVEN, worker.givenNames)), text)
    })
  }

  it('the offer PDF: a label ends in French, so its colon has a non-breaking space before it', async () => {
    const text = pdfText(await offerPdf(offerFor(names[0]![1]), business, [], 'America/Toronto'))
    for (const label of ['Numéro de l’offre', 'État', 'Nom de famille', 'Date de naissance']) assert.match(text, new RegExp(`${label}\u00a0: `))
  })

  it('the offer PDF: a Devanagari name is shaped (conjuncts, the i vowel before its consonant) and keeps every letter', async () => {
    const text = readBack(await offerPdf(offerFor({ familyName: 'शर्मा', givenNames: 'प्रिया' }), business, [], 'America/Toronto'))
    // Glyphs read back in the order drawn: the reph of र् after मा, the vowel sign ि before प्र.
    assert.ok(text.includes(row(FAMILY, 'शमार्')), text)
    assert.ok(text.includes(row(GIVEN, 'िप्रया')), text)
  })

  it('the offer PDF: an Arabic-script name is drawn right to left in Noto Sans Arabic', async () => {
    const pdf = await offerPdf(offerFor({ familyName: 'محمدی', givenNames: 'علی رضا' }), business, [], 'America/Toronto')
    const text = readBack(pdf)
    // Glyphs are written left to right as seen, so the text reads back reversed: the last letter first.
    assert.ok(text.includes(row(FAMILY, [...'محمدی'].reverse().join(''))), text)
    assert.ok(text.includes(row(GIVEN, [...'علی رضا'].reverse().join(''))), 'both words, the first on the right')
    assert.deepEqual(embeddedFonts(pdf), ['NotoSans-Bold', 'NotoSans-Regular', 'NotoSansArabic-Regular'])
  })

  it('one name mixing scripts, and the receipt with a Cyrillic and Greek business name', async () => {
    const mixed = { familyName: 'Nguyễn-Шевченко', givenNames: 'Νίκος Ánh' }
    const text = readBack(await offerPdf(offerFor(mixed), business, [], 'America/Toronto'))
    assert.ok(text.includes(row(FAMILY, mixed.familyName)) && text.includes(row(GIVEN, mixed.givenNames)), text)
    const named = { ...business, legal_name: 'ТОВ «Київ» & Ελληνική Κουζίνα Phở Việt' }
    const receipt = readBack(await receiptPdf(payment, [], offerFor(mixed), named, 'America/Toronto'))
    assert.ok(receipt.includes(row('Business / Entreprise', `${named.legal_name} (123456789)`)), receipt)
    assert.ok(receipt.includes(row('Receipt number / Numéro de reçu', 'R2027-000001')), receipt)
  })

  it('scripts no embedded face has (Chinese) print as boxes, never an exception, and the rest of the document reads', async () => {
    const pdf = await offerPdf(offerFor({ familyName: '王', givenNames: '小明 Олександр' }), business, [], 'America/Toronto')
    const text = squeeze(pdfText(pdf))
    assert.ok(text.includes(row(FAMILY, '\u0000')), 'the missing glyph, where the name goes')
    assert.ok(text.includes(row(GIVEN, '\u0000\u0000 Олександр')), text)
    assert.ok(text.includes(row('Job title / Titre du poste', 'Chef de cuisine')), text)
  })

  it('a letter drawn first in a Vietnamese name does not change how the same base letter reads elsewhere', async () => {
    const text = readBack(await offerPdf(offerFor({ familyName: 'Lý', givenNames: 'Thị Ịnh' }), { ...business, legal_name: 'Ịnh Thị Lý Information Inc.' }, [], 'America/Toronto'))
    assert.ok(text.includes(row('Business / Entreprise', 'Ịnh Thị Lý Information Inc. (123456789, E1234567)')), text)
    assert.ok(text.includes(row(GIVEN, 'Thị Ịnh')) && text.includes('Significantbenefit'), text)
  })

  it('the PDF stays small: only the glyphs used are embedded', async () => {
    const pdf = await offerPdf(offerFor({ familyName: 'Шевченко', givenNames: 'Νίκος Thị Ánh' }), business, [], 'America/Toronto')
    // The two Noto Sans cuts are 630 kB each; their subsets here are a few kilobytes.
    assert.ok(pdf.length < 40_000, `${pdf.length} bytes`)
  })
})

describe('PDFs are tagged: headings, paragraphs, and the French halves in French', () => {
  const withdrawn: Offer = { ...offerFor({ familyName: 'Tremblay', givenNames: 'Anne' }), status: 'withdrawn', withdrawn_at: at, withdrawal_reason: 'Poste comblé' }

  it('the offer PDF: a structure tree (H1, H2, P) under a document in en-CA, each French label and value a Span in fr-CA', async () => {
    const pdf = await offerPdf(withdrawn, business, [], 'America/Toronto')
    const { objects, source } = pdfObjects(pdf)
    assert.match(source, /\/MarkInfo \d+ 0 R/)
    assert.ok([...objects.values()].some((o) => /\/Marked true/.test(o)), 'MarkInfo /Marked true')
    assert.match(source, /\/StructTreeRoot \d+ 0 R/)
    assert.match(source, /\/Lang \(en-CA\)/, 'the document’s language')
    const tree = pdfStructure(pdf)
    const of = (type: string) => tree.filter((e) => e.type === type)
    assert.equal(of('Document').length, 1)
    assert.deepEqual(of('H1').map((e) => e.text), ['Offer of employment /  A1000001'], 'the title: its English half and the number (its French half is a Span)')
    assert.ok(of('H2').some((e) => e.text === 'Foreign national / '), JSON.stringify(of('H2')))
    assert.ok(of('P').some((e) => e.text === 'Family name / Tremblay'), 'a row: the English label and the value (a name: the document’s language)')
    const french = tree.filter((e) => e.lang === 'fr-CA')
    assert.ok(french.every((e) => e.type === 'Span'))
    for (const words of ['Offre d’emploi', 'Ressortissant étranger', 'Nom de famille\u00a0: ', 'État\u00a0: ', 'Retirée', 'Retirée le\u00a0: ', 'Motif du retrait indiqué\u00a0: ']) {
      assert.ok(french.some((e) => e.text === words), `${words} in fr-CA: ${JSON.stringify(french.map((e) => e.text))}`)
    }
    assert.ok(french.some((e) => e.text === '15\u00a0janvier\u00a02027 à\u00a010\u00a0h\u00a000'), 'a date’s French half')
    assert.ok(!tree.some((e) => e.lang !== 'fr-CA' && /Nom de famille|Ressortissant|janvier/.test(e.text)), 'no French outside a French Span')
  })

  it('the offer PDF: the withdrawal is two rows written through the messages (French: a space before the colon)', async () => {
    const text = pdfText(await offerPdf(withdrawn, business, [], 'America/Toronto')).replace(/\n/g, '')
    assert.match(text, /Withdrawn on \/ Retirée le\u00a0: January 15, 2027 at 10:00 a\.m\. \/ 15\u00a0janvier\u00a02027 à\u00a010\u00a0h\u00a000/)
    assert.match(text, /Reason given for the withdrawal \/ Motif du retrait indiqué\u00a0: Poste comblé/)
  })

  it('the receipt PDF: tagged the same way', async () => {
    const tree = pdfStructure(await receiptPdf(payment, [], offerFor({ familyName: 'Tremblay', givenNames: 'Anne' }), business, 'America/Toronto'))
    assert.deepEqual(tree.filter((e) => e.type === 'H1').map((e) => e.text), ['Receipt for the employer compliance fee / '])
    assert.ok(tree.some((e) => e.type === 'Span' && e.lang === 'fr-CA' && e.text === 'Reçu des frais relatifs à la conformité de l’employeur'))
    assert.ok(tree.some((e) => e.type === 'Span' && e.lang === 'fr-CA' && e.text === '230,00\u00a0$'), JSON.stringify(tree))
    assert.ok(tree.some((e) => e.type === 'P' && e.text === 'Receipt number / R2027-000001'))
  })
})

describe('runs in another face', () => {
  it('an Arabic run sits on the Latin baseline and does not make its line taller', async () => {
    const pdf = await renderPdf({ title: 'T', uncompressed: true }, (_d, h) => {
      h.row('A', 'Ali')
      h.row('B', 'علی رضا')
      h.row('C', 'Ali')
    })
    // Each text operation's position (its baseline) and font: the title, then label and value per row.
    const ops = [...pdf.toString('latin1').matchAll(/1 0 0 1 [\d.]+ ([\d.]+) Tm\n\/(F\d+)/g)].map((m) => ({ y: Number(m[1]), font: m[2]! }))
    assert.equal(ops.length, 7)
    const [, aLabel, aValue, bLabel, bValue, cLabel] = ops as [unknown, (typeof ops)[0], (typeof ops)[0], (typeof ops)[0], (typeof ops)[0], (typeof ops)[0]]
    assert.notEqual(bValue.font, aValue.font, 'the Arabic value is in another font')
    assert.equal(bValue.y, bLabel.y)
    assert.equal(aValue.y, aLabel.y)
    assert.ok(Math.abs(aLabel.y - bLabel.y - (bLabel.y - cLabel.y)) < 0.01, `line steps ${aLabel.y - bLabel.y} and ${bLabel.y - cLabel.y}`)
  })
})

describe('fontRuns', () => {
  it('Latin, Vietnamese, Greek, Cyrillic and Devanagari are one run in Noto Sans', () => {
    assert.deepEqual(fontRuns('Nguyễn Νίκος Олександр प्रिया'), [{ face: 0, text: 'Nguyễn Νίκος Олександр प्रिया' }])
  })
  it('Arabic letters switch to Noto Sans Arabic; spaces and marks stay with the run they follow', () => {
    assert.deepEqual(fontRuns('Ali علی رضا (Reza)'), [
      { face: 0, text: 'Ali ' },
      { face: 1, text: 'علی رضا ' },
      { face: 0, text: '(Reza)' },
    ])
    // A combining accent after a Latin letter stays in Noto Sans.
    assert.deepEqual(fontRuns('Ánh'.normalize('NFD')), [{ face: 0, text: 'Ánh'.normalize('NFD') }])
  })
  it('a character no face has goes to Noto Sans (its box), and an empty text has no run', () => {
    assert.deepEqual(fontRuns('王 Wang'), [{ face: 0, text: '王 Wang' }])
    assert.deepEqual(fontRuns('علی 王'), [{ face: 1, text: 'علی ' }, { face: 0, text: '王' }])
    assert.deepEqual(fontRuns(''), [])
  })
})

describe('COMPOSED_FROM_PARTS', () => {
  it('lists every letter Noto Sans (both cuts) draws as a base and marks under its default shaping', () => {
    const require = createRequire(import.meta.url)
    for (const cut of ['400Regular/NotoSans_400Regular.ttf', '700Bold/NotoSans_700Bold.ttf']) {
      const font = fontkit.openSync(require.resolve(`@expo-google-fonts/noto-sans/${cut}`)) as fontkit.Font
      const split = font.characterSet
        .map((c) => String.fromCodePoint(c))
        .filter((ch) => /\p{L}/u.test(ch) && !/\p{Script=Devanagari}/u.test(ch) && font.layout(ch).glyphs.length > 1)
      assert.ok(split.includes('ị'), cut)
      assert.deepEqual(split.filter((ch) => !COMPOSED_FROM_PARTS.test(ch)), [], `${cut}: add these to COMPOSED_FROM_PARTS`)
    }
  })
})
