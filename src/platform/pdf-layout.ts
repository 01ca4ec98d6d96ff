import fs from 'node:fs'
import { createRequire } from 'node:module'
import * as fontkit from 'fontkit'
import PDFDocument from 'pdfkit'
import { piecesOf, plainText, type Pdf, type PdfHelpers, type PdfOptions, type PdfText } from './pdf.ts'

/**
 * How the portal's PDFs are drawn with pdfkit (imported by `renderPdf`, pdf.ts, at a process's
 * first document). Names are typed in any script, so text is drawn in runs, each in the first
 * of these faces that has its letters (fontkit's cmap; pdfkit embeds only the glyphs used):
 *   1. Noto Sans, Google Fonts' full build (Latin with its extensions and Vietnamese,
 *      Greek, Cyrillic, Devanagari): the GC Design System's face, whose WOFF subset in
 *      `@gcds-core/fonts` (for the pages) is Latin only.
 *   2. Noto Sans Arabic (Arabic, Persian, Urdu), right to left within its run.
 * What neither has (Chinese, Japanese, Korean, Hebrew, Thai, Gurmukhi, …) is drawn as the
 * missing-glyph box in Noto Sans: the pages show it, the PDF cannot (docs/operations.md).
 */
const require = createRequire(import.meta.url)
const FACES = [
  { name: 'noto', regular: require.resolve('@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf'), bold: require.resolve('@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf') },
  { name: 'arabic', regular: require.resolve('@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-400-normal.woff'), bold: require.resolve('@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-700-normal.woff') },
] as const
type Weight = 'regular' | 'bold'

/**
 * Each face's cuts, read once per process. Every document parses its own copy: fontkit
 * caches glyphs with the characters they were first met for, and a composite's parts
 * (the A of Á) are first met with none, which would leave later documents' ToUnicode maps
 * without those letters. Coverage is read from one parsed regular cut per face (its
 * character map only): a face's bold covers the same letters.
 */
let bytes: Array<Record<Weight, Buffer>> | undefined
const fontBytes = (): Array<Record<Weight, Buffer>> => (bytes ??= FACES.map((f) => ({ regular: fs.readFileSync(f.regular), bold: fs.readFileSync(f.bold) })))
let coverage: fontkit.Font[] | undefined
const faces = (): fontkit.Font[] => (coverage ??= fontBytes().map((f) => fontkit.create(f.regular) as fontkit.Font))

/** Marks, spaces and joiners stay in the run they follow (so a mark keeps its letter's face and a name its shaping). */
const STICKY = /^[\p{M}\p{Zs}\u200c-\u200f]$/u
const RTL = /[\p{Script=Arabic}\p{Script=Hebrew}]/u

/**
 * Splits text into runs by face: a character goes to the first face that has it (the
 * first face when none has it: its missing-glyph box, never an exception).
 */
export function fontRuns(text: string): Array<{ face: number; text: string }> {
  const fonts = faces()
  const runs: Array<{ face: number; text: string }> = []
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    const last = runs.at(-1)
    if (last && STICKY.test(ch) && fonts[last.face]!.hasGlyphForCodePoint(cp)) {
      last.text += ch
      continue
    }
    let face = fonts.findIndex((f) => f.hasGlyphForCodePoint(cp))
    if (face < 0) face = 0
    if (last?.face === face) last.text += ch
    else runs.push({ face, text: ch })
  }
  return runs
}

/**
 * How a run is shaped. pdfkit's ToUnicode map gives each glyph the characters it was first
 * drawn for, and Noto Sans's glyph composition (ccmp) draws a few letters as a base and a
 * mark (ị as i and a dot below), so the text would read back wrong (Thi, or every later i
 * read as ị). Words with those letters are shaped with ccmp off (the face has them
 * precomposed; names are NFC); the rest keep it and pdfkit's per-word layout cache, which
 * features would bypass (a dossier of 200 offers needs it). A right-to-left run is shaped
 * whole (pdfkit shapes word by word unless features are given; fontkit then reverses the
 * run's glyphs, spaces included, so its words read right to left). fontkit also takes
 * features as an object, which pdfkit's types omit. `null`, not undefined: pdfkit gives a
 * continued text the options of the one before unless they are set.
 */
/** Letters Noto Sans draws from parts under ccmp (its test recomputes the list from the font). */
export const COMPOSED_FROM_PARTS = /[\u01f9\u1e3f\u1e43\u1e45\u1e63\u1eb9\u1ecb\u1ecd\u1ee5]/u
const WORDS_COMPOSED_FROM_PARTS = new RegExp(`(\\S*${COMPOSED_FROM_PARTS.source}\\S*)`, 'u')
type Features = PDFKit.Mixins.TextOptions['features']
function pieces(text: string): Array<{ text: string } & Pick<PDFKit.Mixins.TextOptions, 'features'>> {
  if (RTL.test(text)) return [{ text, features: [] }]
  // split() with a capture group: the words with such letters at odd indexes.
  return text.split(WORDS_COMPOSED_FROM_PARTS).flatMap((piece, i) =>
    piece === '' ? [] : [{ text: piece, features: (i % 2 === 1 ? { ccmp: false } : null) as unknown as Features }],
  )
}

/**
 * A fallback face's run sits on the first face's baseline and keeps its line height
 * (pdfkit places each run from the top of the line by its own font's ascent, and spaces
 * lines by the last run's font: Noto Sans Arabic is taller than Noto Sans). Both are set
 * for every run, as continued text inherits them.
 */
function metrics(face: number, size: number): Pick<PDFKit.Mixins.TextOptions, 'baseline' | 'lineGap'> {
  if (face === 0) return { baseline: 'top', lineGap: 0 }
  const [first, font] = [faces()[0]!, faces()[face]!]
  const height = (f: fontkit.Font) => (f.ascent - f.descent) / f.unitsPerEm
  return { baseline: -(first.ascent / first.unitsPerEm) * size, lineGap: (height(first) - height(font)) * size }
}

/**
 * Writes text in `weight` and `size`, switching faces by run. A right-to-left run's
 * trailing spaces go to the run after it (it is drawn reversed: they would land on its left).
 */
function write(doc: Pdf, weight: Weight, size: number, text: string, options: PDFKit.Mixins.TextOptions = {}): Pdf {
  const runs = fontRuns(text)
  if (runs.length === 0) runs.push({ face: 0, text: '' })
  runs.forEach((run, i) => {
    const next = runs[i + 1]
    const trailing = /\s+$/.exec(run.text)
    if (next && trailing && RTL.test(run.text)) {
      run.text = run.text.slice(0, trailing.index)
      next.text = trailing[0] + next.text
    }
    const last = i === runs.length - 1
    const parts = pieces(run.text)
    if (parts.length === 0) parts.push({ text: '', features: null as unknown as Features })
    doc.font(`${FACES[run.face]!.name}-${weight}`, size)
    parts.forEach((part, j) => {
      const continued = !last || j < parts.length - 1 || options.continued === true
      doc.text(part.text, { ...options, features: part.features, ...metrics(run.face, size), continued })
    })
  })
  return doc
}

/** One piece of an element's text: its weight and size, and fr-CA for the French half of a `Bilingual`. */
interface Segment {
  weight: Weight
  size: number
  text: string
  french?: boolean
}

/**
 * A PdfText as segments: "English / Français" is the English (the document's language),
 * " / ", then the French; `suffix` (a label's "\u00a0: ") ends the last piece, so a French
 * label's colon is read with it.
 */
function segments(text: PdfText, weight: Weight, size: number, suffix = ''): Segment[] {
  const pieces = piecesOf(text)
  const out: Segment[] = []
  pieces.forEach((p, i) => {
    const end = i === pieces.length - 1 ? suffix : ''
    if (typeof p === 'string') out.push({ weight, size, text: p + end })
    else if (p.en === p.fr) out.push({ weight, size, text: p.en + end })
    else out.push({ weight, size, text: `${p.en} / ` }, { weight, size, text: p.fr + end, french: true })
  })
  return out
}

/**
 * Draws segments as one structure element (`type`: H1, H2, P) of `parent`, on one flow of
 * text: what is in the document's language (en-CA) is the element's own content, a French
 * segment a Span of its own with /Lang (fr-CA). Marked content cannot nest in pdfkit (a new
 * MCID closes the open one), hence Spans as structure elements beside the element's content.
 */
function element(doc: Pdf, parent: PDFKit.PDFStructureElement, type: 'H1' | 'H2' | 'P', parts: Segment[], last: PDFKit.Mixins.TextOptions = {}): void {
  const el = doc.struct(type)
  parent.add(el) // attached: each closure below is drawn when added, in order
  parts.forEach((part, i) => {
    const options = i < parts.length - 1 ? { continued: true } : last
    const draw = () => write(doc, part.weight, part.size, part.text, options)
    if (part.french) {
      const span = doc.struct('Span', { lang: 'fr-CA' })
      el.add(span)
      span.add(draw)
      span.end()
    } else el.add(draw)
  })
  el.end()
}

/** Builds a PDF in memory. `draw` writes the content after the title. */
export function layOut(options: PdfOptions, draw: (doc: Pdf, h: PdfHelpers) => void): Promise<Buffer> {
  const title = plainText(options.title)
  // Tagged (PDF/UA's structure): a screen reader gets the headings and paragraphs, and the
  // French halves in French; the document's own language is Canadian English.
  const doc = new PDFDocument({ size: 'LETTER', margin: 54, compress: !options.uncompressed, info: { Title: title, Creator: 'Employer Portal' }, lang: 'en-CA', displayTitle: true, pdfVersion: '1.7', tagged: true })
  // pdfkit copies the title into the XMP metadata (XML) without escaping it, so a business name with
  // markup would become elements there: escape it for that copy only (the Info dictionary, written
  // just before, keeps it as is, in a PDF string pdfkit escapes).
  const endMetadata = doc.endMetadata.bind(doc)
  doc.endMetadata = () => {
    doc.info.Title = title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
    endMetadata()
  }
  fontBytes().forEach((cuts, i) => {
    for (const weight of ['regular', 'bold'] as const) doc.registerFont(`${FACES[i]!.name}-${weight}`, cuts[weight])
  })
  const chunks: Buffer[] = []
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  const root = doc.struct('Document')
  doc.addStructure(root)
  const h = helpers(doc, root)
  element(doc, root, 'H1', segments(options.title, 'bold', 16))
  doc.moveDown(0.5)
  draw(doc, h)
  root.end()
  doc.end()
  return done
}

function helpers(doc: Pdf, root: PDFKit.PDFStructureElement): PdfHelpers {
  return {
    heading(text) {
      doc.moveDown(0.6)
      element(doc, root, 'H2', segments(text, 'bold', 12))
      doc.moveDown(0.2)
    },
    row(label, value) {
      // The labels are "English / Français": the colon follows the French, which puts a
      // non-breaking space before it (as the French pages do).
      element(doc, root, 'P', [...segments(label, 'bold', 10, '\u00a0: '), ...segments(value ?? '', 'regular', 10)])
    },
    paragraph(text) {
      element(doc, root, 'P', segments(text, 'regular', 10))
      doc.moveDown(0.3)
    },
  }
}
