import v8 from 'node:v8'

/**
 * V8 settings a serving process gives itself as it starts, so that `npm start`, a cluster's
 * workers and any supervisor get them without a command line (Node refuses these in
 * `NODE_OPTIONS`). Only flags V8 reads while running belong here; heap sizes are fixed
 * before Node starts (docs/operations.md, "Memory settings").
 *
 * `--no-allocation-site-pretenuring`: V8 watches each object literal's "allocation site" and,
 * once most objects made there survived a young collection, makes the later ones directly in
 * the old generation. Under load a page's rows (pg's row literal, the queue's mapped rows) are
 * still in flight when the young generation is collected, so V8 moved those sites to the old
 * generation for good: every row was then made old, and the strings and dates it points to
 * were kept through young collections by the dead rows until the next full one (a young
 * collection takes every old object as alive). On the queue at 1,000,000 offers: ~60–70 % of
 * the rows' strings and dates were promoted; without pretenuring the young collections took
 * 4.6 → 2.3 ms and the full ones 9 → 2 in 8 s, ~10 % less CPU a request and a p99 ~40 % lower
 * (docs/performance.md, session 23). A server's objects live for a request; nothing of ours
 * gains from being made old.
 */
export const SERVER_V8_FLAGS = ['--no-allocation-site-pretenuring'] as const

export function applyServerV8Flags(): void {
  for (const flag of SERVER_V8_FLAGS) v8.setFlagsFromString(flag)
}
