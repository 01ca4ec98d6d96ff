import { sql } from 'kysely'
import type { DbOrTrx } from '../../platform/audit.ts'
import { sniffedType, type UploadedFile } from '../../platform/uploads.ts'
import type { ProblemReport, ProblemStatus } from './console.tables.ts'

/** Technical problem reports from the help page: text, an optional screenshot (PNG or JPEG, sniffed), a status. */
export const SCREENSHOT_MAX_BYTES = 6 * 1024 * 1024

export type ScreenshotCheck = { ok: true; type: 'image/png' | 'image/jpeg'; content: Buffer } | { ok: false; problem: 'type' | 'size' } | { ok: true; type: null; content: null }

/** The screenshot's real type from its bytes (what the browser claims is never trusted). */
export async function checkScreenshot(file: UploadedFile | undefined): Promise<ScreenshotCheck> {
  if (!file) return { ok: true, type: null, content: null }
  if (file.tooLarge || file.content.length > SCREENSHOT_MAX_BYTES) return { ok: false, problem: 'size' }
  const sniffed = await sniffedType(file.content)
  if (sniffed !== 'image/png' && sniffed !== 'image/jpeg') return { ok: false, problem: 'type' }
  return { ok: true, type: sniffed, content: file.content }
}

export async function insertReport(
  db: DbOrTrx,
  r: { userId: string | null; email: string | null; page: string; description: string; lang: 'en' | 'fr'; screenshot: Buffer | null; screenshotType: 'image/png' | 'image/jpeg' | null; now: Date },
): Promise<string> {
  const row = await db
    .insertInto('problem_report')
    .values({ reporter_user_id: r.userId, contact_email: r.email, page: r.page, description: r.description, lang: r.lang, screenshot: r.screenshot, screenshot_type: r.screenshotType, created_at: r.now, updated_at: r.now })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** A short number people can quote: the first 8 characters of the id, upper case. */
export function reportNumber(id: string): string {
  return id.slice(0, 8).toUpperCase()
}

export type ReportRow = Omit<ProblemReport, 'screenshot'> & { reporter: string | null; has_screenshot: boolean }

export function listReports(db: DbOrTrx, status?: ProblemStatus, limit = 100): Promise<ReportRow[]> {
  let q = db
    .selectFrom('problem_report as p')
    .leftJoin('app_user as u', 'u.id', 'p.reporter_user_id')
    .select(['p.id', 'p.reporter_user_id', 'p.contact_email', 'p.page', 'p.description', 'p.lang', 'p.screenshot_type', 'p.status', 'p.status_note', 'p.handled_by', 'p.created_at', 'p.updated_at', 'u.username as reporter'])
    .select(sql<boolean>`p.screenshot is not null`.as('has_screenshot'))
  if (status) q = q.where('p.status', '=', status)
  return q.orderBy('p.created_at', 'desc').orderBy('p.id').limit(limit).execute()
}

export async function findReport(db: DbOrTrx, id: string): Promise<ReportRow | undefined> {
  return db
    .selectFrom('problem_report as p')
    .leftJoin('app_user as u', 'u.id', 'p.reporter_user_id')
    .select(['p.id', 'p.reporter_user_id', 'p.contact_email', 'p.page', 'p.description', 'p.lang', 'p.screenshot_type', 'p.status', 'p.status_note', 'p.handled_by', 'p.created_at', 'p.updated_at', 'u.username as reporter'])
    .select(sql<boolean>`p.screenshot is not null`.as('has_screenshot'))
    .where('p.id', '=', id)
    .executeTakeFirst()
}

export async function setReportStatus(db: DbOrTrx, id: string, status: ProblemStatus, note: string, by: string, now: Date): Promise<boolean> {
  const r = await db.updateTable('problem_report').set({ status, status_note: note, handled_by: by, updated_at: now }).where('id', '=', id).executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}
