import zlib from 'node:zlib'

/**
 * Reads the text back out of a PDF that pdfkit wrote (compressed streams are inflated)
 * with embedded fonts: each font's ToUnicode CMap turns the glyph codes of the TJ/Tj
 * operators back into characters. Enough for tests to check what a document says.
 */
export function pdfText(pdf: Buffer): string {
  const { objects, source: s } = pdfObjects(pdf)
  const cmapOf = fontCmaps(objects, s)
  const lines: string[] = []
  for (const m of s.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    const content = m[1]!
    if (!/\bBT\b/.test(content)) continue
    let cmap: Map<number, string> | undefined
    for (const op of content.matchAll(/\/(F\d+) [\d.]+ Tf|\[((?:[^\]]|\n)*?)\] TJ|<([0-9a-fA-F]+)> Tj/g)) {
      if (op[1]) cmap = cmapOf(op[1])
      else {
        const hexes = op[2] !== undefined ? [...op[2].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]!) : [op[3]!]
        lines.push(hexes.map((h) => decode(h, cmap)).join(''))
      }
    }
  }
  return lines.join('\n')
}

/**
 * A tagged PDF's structure elements (pdfkit's: each with its own marked content), in the
 * order they are written: the type (/S), the language (/Lang) and the text of the element's
 * own marked content (its MCIDs on their pages; a child element's text is the child's).
 */
export function pdfStructure(pdf: Buffer): Array<{ type: string; lang: string | undefined; text: string }> {
  const { objects, source: s } = pdfObjects(pdf)
  const cmapOf = fontCmaps(objects, s)
  // page object → MCID → text
  const marked = new Map<string, Map<number, string>>()
  for (const [num, body] of objects) {
    if (!/\/Type \/Page\b/.test(body)) continue
    const contents = /\/Contents (\d+) 0 R/.exec(body)
    const stream = /stream\n([\s\S]*)\nendstream/.exec(objects.get(contents?.[1] ?? '') ?? '')?.[1] ?? ''
    const texts = new Map<number, string>()
    const open: Array<number | undefined> = []
    let cmap: Map<number, string> | undefined
    for (const op of stream.matchAll(/\/MCID (\d+)\s*>>\s*BDC|\bBMC\b|\bEMC\b|\/(F\d+) [\d.]+ Tf|\[((?:[^\]]|\n)*?)\] TJ|<([0-9a-fA-F]+)> Tj/g)) {
      if (op[1] !== undefined) open.push(Number(op[1]))
      else if (op[0] === 'BMC') open.push(undefined)
      else if (op[0] === 'EMC') open.pop()
      else if (op[2]) cmap = cmapOf(op[2])
      else {
        const mcid = open.at(-1)
        if (mcid === undefined) continue
        const hexes = op[3] !== undefined ? [...op[3].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]!) : [op[4]!]
        texts.set(mcid, (texts.get(mcid) ?? '') + hexes.map((h) => decode(h, cmap)).join(''))
      }
    }
    marked.set(num, texts)
  }
  const elements: Array<{ type: string; lang: string | undefined; text: string }> = []
  for (const body of objects.values()) {
    const type = /^\s*<<\s*\/S \/(\w+)/.exec(body)?.[1]
    if (!type) continue
    const kidsAt = /\/K \[([\s\S]*?)\]\s*(?:\/|>>)/.exec(body)
    const kids = kidsAt?.[1] ?? ''
    // The element's own page (not one of a reference's in its /K).
    const page = /\/Pg (\d+) 0 R/.exec(kidsAt ? body.replace(kidsAt[0], '/') : body)?.[1]
    let text = ''
    // MCIDs on the element's page, and marked-content references to another page.
    for (const k of kids.replace(/(?<!\/Pg )\b\d+ 0 R/g, '').matchAll(/<<[^>]*\/Pg (\d+) 0 R[^>]*\/MCID (\d+)[^>]*>>|(\d+)/g)) {
      text += k[3] !== undefined ? (marked.get(page ?? '')?.get(Number(k[3])) ?? '') : (marked.get(k[1]!)?.get(Number(k[2])) ?? '')
    }
    elements.push({ type, lang: /\/Lang \(([^)]*)\)/.exec(body)?.[1], text })
  }
  return elements
}

/**
 * Every object of a PDF with its streams inflated (`source`: all of them as one text), so
 * a test can look for dictionaries and actions (/JavaScript, /OpenAction, /URI …).
 */
export function pdfObjects(pdf: Buffer): { objects: Map<string, string>; source: string } {
  const raw = pdf.toString('latin1')
  if (!raw.startsWith('%PDF-') || !raw.trimEnd().endsWith('%%EOF') || !raw.includes('xref')) throw new Error('not a complete PDF')
  const objects = new Map<string, string>()
  let source = ''
  for (const m of raw.matchAll(/(\d+) 0 obj([\s\S]*?)endobj/g)) {
    let body = m[2]!
    const stream = /^([\s\S]*?)stream\r?\n([\s\S]*)\r?\nendstream/.exec(body)
    if (stream && /\/FlateDecode/.test(stream[1]!)) {
      const length = Number(/\/Length (\d+)/.exec(stream[1]!)?.[1] ?? stream[2]!.length)
      const inflated = zlib.inflateSync(Buffer.from(stream[2]!.slice(0, length), 'latin1')).toString('latin1')
      body = `${stream[1]}stream\n${inflated}\nendstream`
    }
    objects.set(m[1]!, body)
    source += `${m[1]} 0 obj${body}endobj\n`
  }
  // The trailer (and its /Info, /Root) follow the last object.
  source += raw.slice(raw.lastIndexOf('endobj') + 6)
  return { objects, source }
}

/** Each font's ToUnicode CMap (code → text), by the font's resource name (F1, F2 …). */
function fontCmaps(objects: Map<string, string>, source: string): (resourceName: string) => Map<number, string> | undefined {
  const cmaps = new Map<string, Map<number, string>>() // font object number → code → text
  for (const [num, body] of objects) {
    const ref = /\/ToUnicode (\d+) 0 R/.exec(body)
    if (ref) cmaps.set(num, parseCmap(objects.get(ref[1]!) ?? ''))
  }
  const fontObject = new Map<string, string>() // resource name → font object number
  for (const m of source.matchAll(/\/(F\d+) (\d+) 0 R/g)) fontObject.set(m[1]!, m[2]!)
  return (name) => cmaps.get(fontObject.get(name) ?? '')
}

function decode(hex: string, cmap: Map<number, string> | undefined): string {
  let out = ''
  for (let i = 0; i + 4 <= hex.length; i += 4) {
    const code = parseInt(hex.slice(i, i + 4), 16)
    out += cmap?.get(code) ?? '\uFFFD'
  }
  return out
}

function utf16(hex: string): string {
  const units: number[] = []
  for (let i = 0; i + 4 <= hex.length; i += 4) units.push(parseInt(hex.slice(i, i + 4), 16))
  return String.fromCharCode(...units)
}

function parseCmap(text: string): Map<number, string> {
  const map = new Map<number, string>()
  for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g)) {
      const from = parseInt(m[1]!, 16)
      const to = parseInt(m[2]!, 16)
      if (m[3]!.startsWith('[')) {
        // A ligature's entry lists its characters with spaces between them (`<0066 0066>` for "ff"); a glyph with none is `<>`.
        const items = [...m[3]!.matchAll(/<([0-9a-fA-F ]*)>/g)].map((x) => utf16(x[1]!.replace(/ /g, '')))
        for (let c = from; c <= to; c++) map.set(c, items[c - from] ?? '')
      } else {
        const base = parseInt(m[3]!.slice(1, -1), 16)
        for (let c = from; c <= to; c++) map.set(c, String.fromCharCode(base + c - from))
      }
    }
  }
  for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(m[1]!, 16), utf16(m[2]!))
  }
  return map
}
