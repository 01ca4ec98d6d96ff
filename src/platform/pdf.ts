import { translate, type Lang, type MessageKey } from '../i18n/i18n.ts'

/**
 * Bilingual PDF documents (receipts, offers, inspection dossiers). pdfkit and fontkit, and
 * the layout that uses them (pdf-layout.ts), are loaded at the first document a process
 * makes rather than at start: ~6 MB of heap that most processes, and most requests, never
 * need (docs/performance.md, session 16).
 */
export type Pdf = PDFKit.PDFDocument

export interface PdfOptions {
  /** The document's title (both languages), in its metadata and as its first heading. */
  title: string
  /** Uncompressed content streams: tests read the text back. */
  uncompressed?: boolean
}

export interface PdfHelpers {
  heading(text: string): void
  /** A label and its value on one line; long values wrap under it. */
  row(label: string, value: string | null | undefined): void
  paragraph(text: string): void
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

/** "English / Français" for a message key. */
export function bilingual(key: MessageKey, params?: Record<string, string | number>): string {
  return inBothLanguages((lang) => translate(lang, key, params))
}
