import type { Generated, Selectable } from 'kysely'
import type { Timestamp } from '../../db/database.ts'

export interface BranchTable {
  id: Generated<string>
  business_id: string
  name: string
  street: string
  city: string
  province: string
  postal_code: string
  created_at: Timestamp
  created_by: string | null
}
export type Branch = Selectable<BranchTable>

export type PinStatus = 'issued' | 'used' | 'locked' | 'expired' | 'revoked'
export type PinRole = 'branch_primary' | 'secondary'

export interface AccessPinTable {
  id: Generated<string>
  business_id: string
  branch_id: string | null
  role: PinRole
  given_names: string
  family_name: string
  email: string | null
  /** Keyed HMAC-SHA256 of the PIN: found by it, never kept in the clear. */
  pin_hash: string
  /** The PIN encrypted, only while it may still be shown (status 'issued'). */
  pin_sealed: string | null
  status: Generated<PinStatus>
  failed_attempts: Generated<number>
  expires_at: Timestamp
  created_by: string | null
  created_at: Timestamp
  reissued_at: Timestamp | null
  used_at: Timestamp | null
  used_by: string | null
  membership_id: string | null
}
export type AccessPin = Selectable<AccessPinTable>

export interface AccessTables {
  branch: BranchTable
  access_pin: AccessPinTable
}
