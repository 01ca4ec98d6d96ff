import assert from 'node:assert/strict'
import { test } from 'node:test'
import { nodeProcessTree, RssSampler } from '../../bench/lib/processes.ts'
import { BASELINE_ROWS, renderBaselinePage } from '../../bench/baseline-server.ts'
import { requestsFor, scenario, SCENARIOS } from '../../bench/scenarios.ts'
import { pageTarget, rssTarget } from '../../bench/targets.ts'

test('page targets (the API offer list is one of the issue\'s pages): 25 % of the baseline on the embedded database; 50 % and p99 ≤ 25 ms on PostgreSQL', () => {
  assert.equal(pageTarget('page', 'embedded', 0.25, 999)!.pass, true)
  assert.equal(pageTarget('page', 'embedded', 0.24, 1)!.pass, false)
  assert.equal(pageTarget('page', 'postgres', 0.5, 25)!.pass, true)
  assert.equal(pageTarget('page', 'postgres', 0.49, 10)!.pass, false)
  assert.equal(pageTarget('page', 'postgres', 0.9, 26)!.pass, false)
  assert.equal(pageTarget('api', 'postgres', 0.5, 25)!.pass, true)
  assert.equal(pageTarget('api', 'postgres', 0.49, 10)!.pass, false)
  for (const kind of ['asset', 'health', 'sign-in', 'baseline'] as const) assert.equal(pageTarget(kind, 'embedded', 0, 0), null)
  assert.equal(rssTarget(250).pass, true)
  assert.equal(rssTarget(250.1).pass, false)
})

test('a scenario is data: its factories turn the setup state into plain requests', () => {
  const signedIn = scenario<{ cookie: string; csrf: string }>({
    name: 'x',
    kind: 'page',
    method: 'POST',
    path: (s) => `/en/things?token=${s.csrf}`,
    headers: (s) => ({ cookie: s.cookie }),
    body: (s) => `_csrf=${s.csrf}`,
  })
  assert.deepEqual(requestsFor(signedIn, { cookie: 'sid=1', csrf: 'abc' }), [
    { method: 'POST', path: '/en/things?token=abc', headers: { cookie: 'sid=1' }, body: '_csrf=abc' },
  ])
  const cycled = scenario<{ cursor: string }>({
    name: 'y',
    kind: 'page',
    method: 'GET',
    path: '/unused',
    requests: (s) => [
      { method: 'GET', path: '/en/offers' },
      { method: 'GET', path: `/en/offers?after=${s.cursor}` },
    ],
  })
  assert.deepEqual(
    requestsFor(cycled, { cursor: 'c9' }).map((r) => r.path),
    ['/en/offers', '/en/offers?after=c9'],
  )
  assert.equal(new Set(SCENARIOS.map((s) => s.name)).size, SCENARIOS.length, 'scenario names are unique')
})

test('the baseline page is ~20 KB: a 180-row table with every cell escaped', () => {
  const page = renderBaselinePage(BASELINE_ROWS).value
  assert.ok(page.length > 19_000 && page.length < 22_000, String(page.length))
  assert.equal((page.match(/<tr><td>/g) ?? []).length, 180)
  assert.ok(page.includes('Maple &amp; Sons Ltd.') && page.includes('Nord &lt;Logistique&gt; inc.'))
  assert.ok(!page.includes('<Logistique>'))
})

test('memory is read from /proc for this process', () => {
  assert.deepEqual(nodeProcessTree(process.pid), [process.pid])
  const sampler = new RssSampler(process.pid)
  assert.ok(sampler.peakMb() > 10)
  assert.ok(sampler.peakProcessMb() <= sampler.peakMb())
  assert.ok(sampler.hwmMb() >= sampler.peakMb() - 1)
})
