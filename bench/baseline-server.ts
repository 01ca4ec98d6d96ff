import Fastify from 'fastify'
import pg from 'pg'
import { html, type Html } from '../src/platform/html.ts'

/**
 * The benchmark's baseline: a bare Fastify route, in its own process, rendering a
 * ~20 KB HTML page per request from in-memory data (a 180-row table, every cell
 * escaped by the portal's own `html` tag), with no session, no database, no logging
 * and no security headers. Portal figures are reported as a ratio to this one,
 * measured in the same run on the same machine.
 *
 * With DATABASE_URL set it also answers `/one-query`: the same page after one round trip to
 * PostgreSQL (a prepared `select` of one row that reads no table, through pg's pool). That is
 * the most a page needing the database at all can do on this machine, before any of a real
 * page's work (docs/performance.md).
 *
 *   node --import tsx bench/baseline-server.ts <port>
 */

interface Row {
  reference: string
  employer: string
  position: string
  city: string
  status: string
}

const EMPLOYERS = ['Maple & Sons Ltd.', 'Café "Le Coin"', "O'Brien Construction", 'Nord <Logistique> inc.', 'Prairie Growers Co-op']
const POSITIONS = ['Cook', 'Software developer', 'Welder', 'Farm worker', 'Nurse aide']
const CITIES = ['Halifax', 'Montréal', 'Winnipeg', 'Calgary', 'Iqaluit']
const STATUSES = ['Draft', 'Submitted', 'Paid', 'Withdrawn']

export const BASELINE_ROWS: readonly Row[] = Array.from({ length: 180 }, (_, i) => ({
  reference: `OFR-${String(100000 + i)}`,
  employer: EMPLOYERS[i % EMPLOYERS.length]!,
  position: POSITIONS[(i * 7) % POSITIONS.length]!,
  city: CITIES[(i * 3) % CITIES.length]!,
  status: STATUSES[i % STATUSES.length]!,
}))

export function renderBaselinePage(rows: readonly Row[]): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Offers</title></head>
<body><main><h1>Offers</h1>
<table><caption>Offers of employment</caption>
<thead><tr><th>Reference</th><th>Employer</th><th>Position</th><th>City</th><th>Status</th></tr></thead>
<tbody>${rows.map(
    (r) => html`<tr><td>${r.reference}</td><td>${r.employer}</td><td>${r.position}</td><td>${r.city}</td><td>${r.status}</td></tr>
`,
  )}</tbody></table></main></body></html>`
}

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 0)
  const app = Fastify({ logger: false })
  app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(renderBaselinePage(BASELINE_ROWS).value))
  const pool = process.env.DATABASE_URL ? new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }) : undefined
  if (pool) {
    let n = 0
    app.get('/one-query', async (_request, reply) => {
      const { rows } = await pool.query({ name: 'baseline-one-query', text: 'select $1::int as n, now() as at', values: [n++] })
      if (rows.length !== 1) throw new Error('no row')
      return reply.type('text/html; charset=utf-8').send(renderBaselinePage(BASELINE_ROWS).value)
    })
  }
  await app.listen({ port, host: '127.0.0.1' })
  process.on('SIGTERM', () => void app.close().then(() => pool?.end()).then(() => process.exit(0)))
}

if (import.meta.url === `file://${process.argv[1]}`) void main()
