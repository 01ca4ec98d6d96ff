import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

const require = createRequire(import.meta.url)
const here = path.dirname(fileURLToPath(import.meta.url))
const UI_DIR = path.join(here, '..', 'ui')

const tokensDir = path.join(path.dirname(require.resolve('@gcds-core/tokens/package.json')), 'build', 'web', 'css')
const fontsDir = path.join(path.dirname(require.resolve('@gcds-core/fonts/package.json')), 'fonts')

/** GC Design System token files our stylesheet uses (CSS variables only). */
const TOKEN_FILES = [
  'base.css',
  ...['button', 'error-summary', 'error-message', 'input', 'label', 'hint', 'fieldset', 'checkbox', 'radio', 'select', 'textarea', 'breadcrumbs', 'notice', 'details', 'table', 'link', 'heading', 'text', 'footer', 'header', 'lang-toggle', 'date-modified', 'container'].map(
    (c) => `components/${c}.css`,
  ),
]

const FONT_FACES = [
  ['Lato', 'lato/gcds-lato', 700, 'normal'],
  ['Noto Sans', 'noto-sans/gcds-noto-sans-regular', 400, 'normal'],
  ['Noto Sans', 'noto-sans/gcds-noto-sans-semibold', 600, 'normal'],
  ['Noto Sans', 'noto-sans/gcds-noto-sans-bold', 700, 'normal'],
] as const

export interface Assets {
  stylesheetHref: string
  scriptHref: string
  /** The maple leaf (SVG) every page links; /favicon.ico answers for browsers that ask there. */
  iconHref: string
}

function fingerprint(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 12)
}

/**
 * One stylesheet, built once at start: GCDS tokens, the GCDS fonts, then the
 * portal's own CSS on plain HTML (the GC Forms approach: no web components, so
 * every form works without JavaScript). Fingerprinted URLs are cached for a year.
 */
export async function registerAssets(app: FastifyInstance): Promise<Assets> {
  const tokens = TOKEN_FILES.filter((f) => fs.existsSync(path.join(tokensDir, f)))
    .map((f) => fs.readFileSync(path.join(tokensDir, f), 'utf8'))
    .join('\n')
  const fontFaces = FONT_FACES.filter(([, file]) => fs.existsSync(path.join(fontsDir, `${file}.woff2`)))
    .map(
      ([family, file, weight, style]) =>
        `@font-face{font-family:"${family}";src:url("/assets/fonts/${file}.woff2") format("woff2");font-weight:${weight};font-style:${style};font-display:swap}`,
    )
    .join('\n')
  const css = `${fontFaces}\n${tokens}\n${fs.readFileSync(path.join(UI_DIR, 'portal.css'), 'utf8')}`
  const js = fs.readFileSync(path.join(UI_DIR, 'portal.js'), 'utf8')
  const stylesheetHref = `/assets/portal-${fingerprint(css)}.css`
  const scriptHref = `/assets/portal-${fingerprint(js)}.js`
  const immutable = 'public, max-age=31536000, immutable'
  const svgIcon = fs.readFileSync(path.join(UI_DIR, 'favicon.svg'))
  const icoIcon = fs.readFileSync(path.join(UI_DIR, 'favicon.ico'))
  const iconHref = `/assets/favicon-${fingerprint(svgIcon.toString('utf8'))}.svg`

  app.get(stylesheetHref, (_req, reply) => reply.header('cache-control', immutable).type('text/css; charset=utf-8').send(css))
  app.get(scriptHref, (_req, reply) =>
    reply.header('cache-control', immutable).type('text/javascript; charset=utf-8').send(js),
  )
  app.get(iconHref, (_req, reply) => reply.header('cache-control', immutable).type('image/svg+xml').send(svgIcon))
  // Not fingerprinted (browsers ask for this address by themselves): kept a day.
  app.get('/favicon.ico', (_req, reply) => reply.header('cache-control', 'public, max-age=86400').type('image/x-icon').send(icoIcon))
  await app.register(fastifyStatic, {
    root: fontsDir,
    prefix: '/assets/fonts/',
    decorateReply: false,
    index: false,
    list: false,
    allowedPath: (pathName) => /\.(woff2?|ttf)$/.test(pathName),
    maxAge: '365d',
    immutable: true,
  })
  return { stylesheetHref, scriptHref, iconHref }
}
