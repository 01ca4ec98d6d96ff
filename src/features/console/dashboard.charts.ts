import { html, type Html } from '../../platform/html.ts'

/**
 * Server-rendered SVG charts, accessible: `role="img"` named by its <title> and
 * described by its <desc> (aria-labelledby / aria-describedby), with the numbers also
 * in a data table beside each chart. No script, no web font; colours from the GC
 * Design System palette, with text contrast above 4.5:1.
 */
export interface Bar {
  label: string
  value: number
}

/** How a chart writes a number and a point's tooltip ("label: value"): the page's language gives them (French puts a space before the colon). */
export interface ChartWords {
  number(value: number): string
  tip(label: string, value: string): string
}

const BAR = '#26374a'
const TEXT = '#333333'
const GRID = '#d6d6d6'
const round = (n: number) => Math.round(n * 10) / 10

/** A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten. */
export function niceMax(max: number): number {
  if (max <= 0) return 1
  const power = 10 ** Math.floor(Math.log10(max))
  for (const f of [1, 2, 5, 10]) if (max <= f * power) return f * power
  return 10 * power
}

/** Vertical bars (a series over time). */
export function columnChart(id: string, title: string, desc: string, bars: readonly Bar[], words: ChartWords): Html {
  const width = 640
  const height = 260
  const left = 44
  const bottom = 40
  const top = 12
  const plotH = height - top - bottom
  const max = niceMax(Math.max(0, ...bars.map((b) => b.value)))
  const step = (width - left - 8) / Math.max(bars.length, 1)
  const ticks = [0, max / 2, max]
  return html`<svg class="chart" id="${id}" role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-title">${title}</title>
<desc id="${id}-desc">${desc}</desc>
${ticks.map((tk) => {
  const y = round(top + plotH - (tk / max) * plotH)
  return html`<line x1="${left}" x2="${width - 4}" y1="${y}" y2="${y}" stroke="${GRID}"/><text x="${left - 6}" y="${y + 4}" text-anchor="end" font-size="12" fill="${TEXT}">${words.number(round(tk))}</text>`
})}
${bars.map((b, i) => {
  const h = round((b.value / max) * plotH)
  const x = round(left + i * step + step * 0.15)
  return html`<rect x="${x}" y="${round(top + plotH - h)}" width="${round(step * 0.7)}" height="${h}" fill="${BAR}"><title>${words.tip(b.label, words.number(b.value))}</title></rect><text x="${round(x + step * 0.35)}" y="${height - bottom + 16}" text-anchor="middle" font-size="11" fill="${TEXT}">${b.label}</text>`
})}
</svg>`
}

/** Horizontal bars (categories). */
export function barChart(id: string, title: string, desc: string, bars: readonly Bar[], words: ChartWords): Html {
  const width = 640
  const row = 26
  const left = 150
  const height = Math.max(bars.length, 1) * row + 16
  const max = niceMax(Math.max(0, ...bars.map((b) => b.value)))
  const plotW = width - left - 60
  return html`<svg class="chart" id="${id}" role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-title">${title}</title>
<desc id="${id}-desc">${desc}</desc>
${bars.map((b, i) => {
  const y = 8 + i * row
  const w = round((b.value / max) * plotW)
  return html`<text x="${left - 8}" y="${y + 16}" text-anchor="end" font-size="12" fill="${TEXT}">${b.label.length > 22 ? `${b.label.slice(0, 21)}…` : b.label}</text><rect x="${left}" y="${y + 3}" width="${w}" height="${row - 8}" fill="${BAR}"/><text x="${left + w + 6}" y="${y + 16}" font-size="12" fill="${TEXT}">${words.number(b.value)}</text>`
})}
</svg>`
}

/** A line with points (a trend; null values leave a gap). */
export function lineChart(id: string, title: string, desc: string, points: ReadonlyArray<{ label: string; value: number | null }>, words: ChartWords): Html {
  const width = 640
  const height = 260
  const left = 44
  const bottom = 40
  const top = 12
  const plotH = height - top - bottom
  const max = niceMax(Math.max(0, ...points.map((p) => p.value ?? 0)))
  // The first and last points sit far enough in that their labels (centred under them, "2026-11") stay inside the picture.
  const inset = 28
  const step = (width - left - 2 * inset) / Math.max(points.length - 1, 1)
  const xy = points.map((p, i) => ({ ...p, x: round(left + inset + i * step), y: p.value === null ? null : round(top + plotH - (p.value / max) * plotH) }))
  const segments: string[] = []
  let current = ''
  for (const p of xy) {
    if (p.y === null) {
      if (current) segments.push(current)
      current = ''
    } else current += `${current ? ' L' : 'M'}${p.x} ${p.y}`
  }
  if (current) segments.push(current)
  return html`<svg class="chart" id="${id}" role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-title">${title}</title>
<desc id="${id}-desc">${desc}</desc>
${[0, max / 2, max].map((tk) => {
  const y = round(top + plotH - (tk / max) * plotH)
  return html`<line x1="${left}" x2="${width - 4}" y1="${y}" y2="${y}" stroke="${GRID}"/><text x="${left - 6}" y="${y + 4}" text-anchor="end" font-size="12" fill="${TEXT}">${words.number(round(tk))}</text>`
})}
${segments.map((d) => html`<path d="${d}" fill="none" stroke="${BAR}" stroke-width="2"/>`)}
${xy.map((p) => html`${p.y === null ? '' : html`<circle cx="${p.x}" cy="${p.y}" r="3.5" fill="${BAR}"><title>${words.tip(p.label, words.number(p.value ?? 0))}</title></circle>`}<text x="${p.x}" y="${height - bottom + 16}" text-anchor="middle" font-size="11" fill="${TEXT}">${p.label}</text>`)}
</svg>`
}
