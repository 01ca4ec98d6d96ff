import type { DbOrTrx } from '../../platform/audit.ts'
import { dateTimeFormat } from '../../platform/dates.ts'
import type { MaintenanceWindow } from './console.tables.ts'

/**
 * Maintenance windows: announced (a banner on every page) from `announce_from`;
 * from `starts_at` to `ends_at` the portal side is closed (the maintenance page, no
 * employer sign-in). Read on every page request, so the state is cached in the process
 * for a few seconds; a change made here clears the cache at once (other processes
 * follow within the cache time).
 */
const CACHE_MS = 15_000
let cache: { at: number; windows: MaintenanceWindow[] } | undefined

export function forgetMaintenanceCache(): void {
  cache = undefined
}

/** Windows not cancelled and not over, soonest first. */
export async function liveWindows(db: DbOrTrx, now: Date): Promise<MaintenanceWindow[]> {
  return db.selectFrom('maintenance_window').selectAll().where('cancelled_at', 'is', null).where('ends_at', '>', now).orderBy('starts_at').orderBy('id').execute()
}

export interface MaintenanceState {
  /** The window under way, if any. */
  active?: MaintenanceWindow
  /** The next announced window (its banner shows), if any. */
  announced?: MaintenanceWindow
}

export async function maintenanceState(db: DbOrTrx, now: Date): Promise<MaintenanceState> {
  const t = now.getTime()
  if (!cache || t - cache.at > CACHE_MS || t < cache.at) cache = { at: t, windows: await liveWindows(db, now) }
  const windows = cache.windows.filter((w) => w.ends_at.getTime() > t)
  return {
    active: windows.find((w) => w.starts_at.getTime() <= t),
    announced: windows.find((w) => w.starts_at.getTime() > t && w.announce_from.getTime() <= t),
  }
}

/**
 * The time zone's name in words in the reader's language ("Eastern Time", « heure de l’Est »): what a
 * time of a window is read in. The zone's identifier itself when ICU has no name for it.
 */
export function zoneWords(lang: 'en' | 'fr', timeZone: string, at: Date): string {
  const part = dateTimeFormat(lang === 'fr' ? 'fr-CA' : 'en-CA', { timeZone, timeZoneName: 'longGeneric' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')
  return part && !/^GMT/.test(part.value) ? part.value : timeZone
}

/** A wall-clock time ('YYYY-MM-DD HH:MM' or with a T) in a time zone, as an instant. */
export function parseLocalTime(value: string, timeZone: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/.exec(value.trim())
  if (!m) return undefined
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number]
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return undefined
  const wall = Date.UTC(y, mo - 1, d, h, mi)
  if (new Date(wall).getUTCDate() !== d) return undefined
  // The zone's offset at that moment (twice, for a time near a daylight-saving change).
  let guess = wall - offsetMs(new Date(wall), timeZone)
  guess = wall - offsetMs(new Date(guess), timeZone)
  return new Date(guess)
}

function offsetMs(date: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    dateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  )
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second))
  return asUtc - Math.floor(date.getTime() / 1000) * 1000
}

/** The same instant written back as 'YYYY-MM-DD HH:MM' in the zone (for forms). */
export function localTimeValue(date: Date, timeZone: string): string {
  const p = Object.fromEntries(
    dateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  )
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

/**
 * Which requests the maintenance page answers during a window: the portal's pages and
 * forms (sign-in, registration, everything signed-in) under /en and /fr — not the
 * console (officers and administrators keep working, and can end the window), the
 * landing, help and reference pages, nor assets and health checks. Staff signed in
 * are never stopped.
 */
export function closedDuringMaintenance(url: string): boolean {
  const path = url.split('?')[0]!
  const m = /^\/(en|fr)(\/.*)?$/.exec(path)
  if (!m) return false
  const rest = m[2] ?? '/'
  if (rest === '/' || rest === '') return false
  // The second sign-in steps are reachable only after a password was accepted at a sign-in
  // page: the portal's is closed, so only the console's (staff) leads there.
  return !/^\/(console(\/|$)|help(\/|$)|about$|reference\/|session\/|sign-out|signed-out$|sign-in\/code$|two-factor\/)/.test(rest)
}
