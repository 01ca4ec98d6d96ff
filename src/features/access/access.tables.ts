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
/** 'primary' PINs are issued by officers only (a PIN reset for someone who is, or must become, the primary user). */
export type PinRole = 'primary' | 'branch_primary' | 'secondary'

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

export type RequestStatus = 'submitted' | 'issued' | 'refused'

export interface PinResetRequestTable {
  id: Generated<string>
  requester_user_id: string
  given_names: string
  family_name: string
  /** The business or employer number as typed (normalized). */
  business_key: string
  /** The business it names, if any: never shown to the requester. */
  business_id: string | null
  email: string
  reason: string
  wants_primary: boolean
  handled_by: 'primary' | 'officers'
  status: Generated<RequestStatus>
  assigned_to: string | null
  decided_by: string | null
  decided_at: Timestamp | null
  decision_note: string | null
  pin_id: string | null
  created_at: Timestamp
}
export type PinResetRequest = Selectable<PinResetRequestTable>

export interface UserDormancyTable {
  user_id: string
  warned_18_for: Timestamp | null
  warned_23_for: Timestamp | null
  dormant_at: Timestamp | null
  reactivated_at: Timestamp | null
}

export interface ReactivationRequestTable {
  id: Generated<string>
  user_id: string
  reason: string
  status: Generated<'submitted' | 'reactivated' | 'refused'>
  assigned_to: string | null
  decided_by: string | null
  decided_at: Timestamp | null
  decision_note: string | null
  created_at: Timestamp
}
export type ReactivationRequest = Selectable<ReactivationRequestTable>

export interface AccessTables {
  branch: BranchTable
  access_pin: AccessPinTable
  pin_reset_request: PinResetRequestTable
  user_dormancy: UserDormancyTable
  reactivation_request: ReactivationRequestTable
}
