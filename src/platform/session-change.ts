import { createRequire } from 'node:module'

/** @fastify/session's Session class: its own module, which the plugin's index loads too. */
const Session = createRequire(import.meta.url)('@fastify/session/lib/session.js') as { prototype: Record<symbol, unknown> }

/** The session's values as they would be stored, the cookie aside; top-level names in one order, whatever order they were set in. */
export function storedForm(session: Record<string, unknown>): string {
  // No prototype: a name such as `__proto__` stays a value.
  const values: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  for (const name of Object.keys(session).sort()) if (name !== 'cookie') values[name] = session[name]
  return JSON.stringify(values)
}

function storedFormOfThis(this: Record<string, unknown>): string {
  return storedForm(this)
}

/**
 * @fastify/session tells whether a request changed its session (and so must write it) by
 * comparing a SHA-256 of the session's stable JSON, made with a replacer function, when it is
 * read and when the answer is sent: twice on every signed-in request, ~14 µs of the queue's
 * page (docs/performance.md, session 27). The comparison is all it is used for, so the stored
 * form itself serves: the same answer (changed exactly when what would be stored differs) for
 * one plain `JSON.stringify`. The session's values are JSON (it is stored as JSON). Idempotent;
 * false, and the library's own method left in use, if a release no longer names it `hash` (the
 * test suite fails then).
 */
export function compareSessionsByStoredForm(): boolean {
  const name = Object.getOwnPropertySymbols(Session.prototype).find((s) => s.description === 'hash')
  if (!name) return false
  if (Session.prototype[name] !== storedFormOfThis) Object.defineProperty(Session.prototype, name, { value: storedFormOfThis, writable: true, configurable: true })
  return true
}
