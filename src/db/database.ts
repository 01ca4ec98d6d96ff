import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'
import type { AuthTables } from '../features/auth/auth.tables.ts'
import type { FederatedTables } from '../features/auth/federated.tables.ts'
import type { AccessTables } from '../features/access/access.tables.ts'
import type { ApiTables } from '../features/api/api.tables.ts'
import type { ConsoleTables } from '../features/console/console.tables.ts'
import type { EnrolmentTables } from '../features/enrolment/enrolment.tables.ts'
import type { NotificationTables } from '../features/notifications/notifications.tables.ts'
import type { OfferTables } from '../features/offers/offers.tables.ts'
import type { PaymentTables } from '../features/payment/payment.tables.ts'
import type { ReferenceTables } from '../features/reference/reference.tables.ts'

/**
 * The table interfaces Kysely checks queries against. One interface per table,
 * named after it; each feature's repository imports only what it needs.
 */

/** A timestamptz column: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>
export type Json<T> = ColumnType<T, string, string>

export interface SessionTable {
  id: string
  data: ColumnType<Record<string, unknown>, string, string>
  user_id: string | null
  created_at: Timestamp
  updated_at: Timestamp
  expires_at: Timestamp
}

export interface AuditEventTable {
  id: Generated<number>
  occurred_at: Timestamp
  actor_user_id: string | null
  actor_label: string
  action: string
  business_id: string | null
  object_type: string | null
  object_id: string | null
  ip: string | null
  request_id: string | null
  details: ColumnType<Record<string, unknown>, string | undefined, never>
}
export type AuditEvent = Selectable<AuditEventTable>
export type NewAuditEvent = Insertable<AuditEventTable>

export type Role = 'employer' | 'officer' | 'administrator'

export interface AppUserTable {
  id: Generated<string>
  role: Role
  username: string
  /** Lower-cased, trimmed username: unique. */
  username_key: string
  email: string | null
  email_key: string | null
  email_verified_at: Timestamp | null
  password_hash: string | null
  given_name: Generated<string>
  middle_name: Generated<string>
  family_name: Generated<string>
  preferred_language: Generated<'en' | 'fr'>
  totp_secret: string | null
  totp_enabled_at: Timestamp | null
  totp_last_step: number | null
  status: Generated<'active' | 'dormant' | 'deleted'>
  failed_sign_ins: Generated<number>
  locked_until: Timestamp | null
  last_sign_in_at: Timestamp | null
  previous_sign_in_at: Timestamp | null
  /** Set when an administrator chose the password (a temporary one): its owner changes it before anything else. */
  must_change_password: Generated<boolean>
  created_at: Timestamp
  updated_at: Timestamp
}
export type AppUser = Selectable<AppUserTable>

/**
 * The user as every signed-in request has it (`request.user`): without the password's hash,
 * the second factor's secret and the sign-in attempts' state, which only signing in and the
 * account's security pages read, by id, when they need them. What is
 * not read cannot be shown, logged or kept by mistake; and a request parses fewer columns.
 */
export const SIGNED_IN_USER_COLUMNS = [
  'id',
  'role',
  'username',
  'email',
  'email_verified_at',
  'given_name',
  'middle_name',
  'family_name',
  'preferred_language',
  'totp_enabled_at',
  'status',
  'last_sign_in_at',
  'previous_sign_in_at',
  'must_change_password',
  'created_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof AppUserTable>
export type SignedInUser = Pick<AppUser, (typeof SIGNED_IN_USER_COLUMNS)[number]>

/**
 * Every table. A feature keeps its own table interfaces in `<feature>.tables.ts`
 * and adds them here with one `extends`.
 */
export interface Database extends AccessTables, AuthTables, FederatedTables, EnrolmentTables, NotificationTables, PaymentTables, ReferenceTables, OfferTables, ConsoleTables, ApiTables {
  session: SessionTable
  audit_event: AuditEventTable
  app_user: AppUserTable
  /** Request counts per key and window (src/platform/rate-store.ts). */
  rate_window: { key: string; window_start: Timestamp; count: number }
}
