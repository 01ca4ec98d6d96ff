import { eachLanguage, translate, type Bilingual, type Lang, type MessageKey } from '../i18n/i18n.ts'

/**
 * Bilingual PDF documents (receipts, offers, inspection dossiers). pdfkit and fontkit, and
 * the layout that uses them (pdf-layout.ts), are loaded at the first document a process
 * makes rather than at start: ~6 MB of heap that most processes, and most requests, never
 * need (docs/performance.md, session 16).
 */
export type Pdf = PDFKit.PDFDocument

/** Something said in each language (`Bilingual`, i18n.ts): drawn "English / Français", the French part tagged fr-CA. */
export type { Bilingual }

/**
 * Text for a PDF: as is (a name, a number: the document's language, en-CA), both languages,
 * or pieces of either drawn one after the other.
 */
export type PdfText = string | Bilingual | ReadonlyArray<string | Bilingual>

export interface PdfOptions {
  /** The document's title (both languages), in its metadata and as its first heading (H1). */
  title: PdfText
  /** Uncompressed content streams: tests read the text back. */
  uncompressed?: boolean
}

/**
 * What a document is made of. The PDF is tagged: the title is its H1, each `heading` an H2,
 * each `row` and `paragraph` a P, and the French half of a `Bilingual` a Span in fr-CA, so a
 * screen reader reads each language in its own voice.
 */
export interface PdfHelpers {
  heading(text: PdfText): void
  /** A label and its value on one line; long values wrap under it. */
  row(label: PdfText, value: PdfText | null | undefined): void
  paragraph(text: PdfText): void
}

/** A PdfText's pieces, drawn one after the other. */
export function piecesOf(text: PdfText): ReadonlyArray<string | Bilingual> {
  return typeof text === 'string' || !Array.isArray(text) ? [text as string | Bilingual] : text
}

/** A PdfText as plain text ("English / Français"), e.g. for the document's metadata. */
export function plainText(text: PdfText): string {
  return piecesOf(text).map((p) => (typeof p === 'string' ? p : inBothLanguages((lang) => p[lang]))).join('')
}

/** Builds a PDF in memory. `draw` writes the content after the title. */
export async function renderPdf(options: PdfOptions, draw: (doc: Pdf, h: PdfHelpers) => void): Promise<Buffer> {
  const { layOut } = await import('./pdf-layout.ts')
  return layOut(options, draw)
}

/** "English / Français": something written in each language, for a document both can read (once when the same). */
export function inBothLanguages(write: (lang: Lang) => string): string {
  const en = write('en')
  const fr = write('fr')
  return en === fr ? en : `${en} / ${fr}`
}

export { eachLanguage }

/** A message key in each language, kept apart for a tagged PDF (`Bilingual`). */
export function inEach(key: MessageKey, params?: Record<string, string | number>): Bilingual {
  return eachLanguage((lang) => translate(lang, key, params))
}

/** "English / Français" for a message key. */
export function bilingual(key: MessageKey, params?: Record<string, string | number>): string {
  return inBothLanguages((lang) => translate(lang, key, params))
}
