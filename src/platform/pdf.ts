import { createRequire } from 'node:module'
import PDFDocument from 'pdfkit'
import { translate, type MessageKey } from '../i18n/i18n.ts'

/**
 * Bilingual PDF documents (receipts, offers, inspection dossiers) with pdfkit. The
 * GC Design System's Noto Sans (a dependency already, for the pages) is embedded, so
 * names keep their accents and non-Latin letters (Latin, Greek, Cyrillic, Vietnamese).
 */
const require = createRequire(import.meta.url)
const FONT_DIR = require.resolve('@gcds-core/fonts/fonts/noto-sans/gcds-noto-sans-regular.woff').replace(/gcds-noto-sans-regular\.woff$/, '')
const REGULAR = `${FONT_DIR}gcds-noto-sans-regular.woff`
const BOLD = `${FONT_DIR}gcds-noto-sans-bold.woff`

export type Pdf = PDFKit.PDFDocument

export interface PdfOptions {
  /** The document's title (both languages), in its metadata and as its first heading. */
  title: string
  /** Uncompressed content streams: tests read the text back. */
  uncompressed?: boolean
}

/** Builds a PDF in memory. `draw` writes the content after the title. */
export function renderPdf(options: PdfOptions, draw: (doc: Pdf, h: PdfHelpers) => void): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'LETTER', margin: 54, compress: !options.uncompressed, info: { Title: options.title, Creator: 'Employer Portal' }, lang: 'en-CA', displayTitle: true, pdfVersion: '1.7', tagged: false })
  // pdfkit copies the title into the XMP metadata (XML) without escaping it, so a business name with
  // markup would become elements there: escape it for that copy only (the Info dictionary, written
  // just before, keeps it as is, in a PDF string pdfkit escapes).
  const endMetadata = doc.endMetadata.bind(doc)
  doc.endMetadata = () => {
    doc.info.Title = options.title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
    endMetadata()
  }
  doc.registerFont('regular', REGULAR)
  doc.registerFont('bold', BOLD)
  const chunks: Buffer[] = []
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  const h = helpers(doc)
  doc.font('bold').fontSize(16).text(options.title)
  doc.moveDown(0.5)
  draw(doc, h)
  doc.end()
  return done
}

export interface PdfHelpers {
  heading(text: string): void
  /** A label and its value on one line; long values wrap under it. */
  row(label: string, value: string | null | undefined): void
  paragraph(text: string): void
}

function helpers(doc: Pdf): PdfHelpers {
  return {
    heading(text) {
      doc.moveDown(0.6).font('bold').fontSize(12).text(text).moveDown(0.2)
    },
    row(label, value) {
      doc.font('bold').fontSize(10).text(`${label}: `, { continued: true }).font('regular').text(value ?? '')
    },
    paragraph(text) {
      doc.font('regular').fontSize(10).text(text).moveDown(0.3)
    },
  }
}

/** "English / Français" for a message key: a document both languages can read. */
export function bilingual(key: MessageKey, params?: Record<string, string | number>): string {
  const en = translate('en', key, params)
  const fr = translate('fr', key, params)
  return en === fr ? en : `${en} / ${fr}`
}
