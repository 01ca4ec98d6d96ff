import type { Generated, GeneratedAlways, Selectable } from 'kysely'
import type { Timestamp } from '../../db/database.ts'

export interface BusinessTable {
  id: Generated<string>
  business_number: string
  legal_name: string
  legal_name_key: string
  /** console_fold(legal_name), stored: the officers' employer search (migration 2026-11-24T0900). */
  legal_name_fold: GeneratedAlways<string>
  operating_name: string
  street: string
  city: string
  province: string
  postal_code: string
  phone: string
  employer_number: string
  status: Generated<'active' | 'dormant'>
  created_at: Timestamp
  updated_at: Timestamp
}
export type Business = Selectable<BusinessTable>

export type EnrolmentStatus = 'draft' | 'submitted' | 'approved' | 'refused'

export interface EnrolmentRequestTable {
  id: Generated<string>
  requester_user_id: string
  status: EnrolmentStatus
  operates_in_canada: boolean | null
  business_number: string | null
  legal_name: string | null
  legal_name_key: string | null
  operating_name: string | null
  street: string | null
  city: string | null
  province: string | null
  postal_code: string | null
  phone: string | null
  submitted_at: Timestamp | null
  decided_at: Timestamp | null
  decided_by: string | null
  assigned_to: string | null
  refusal_reason: string | null
  decision_note: string | null
  business_id: string | null
  created_at: Timestamp
  updated_at: Timestamp
}
export type EnrolmentRequest = Selectable<EnrolmentRequestTable>

export type MembershipRole = 'primary' | 'branch_primary' | 'secondary'

export interface BusinessMembershipTable {
  id: Generated<string>
  business_id: string
  user_id: string
  role: MembershipRole
  status: Generated<'active' | 'removed'>
  created_at: Timestamp
  created_by: string | null
  removed_at: Timestamp | null
  /** The branch of a branch primary or branch secondary user (added by the access migration). */
  branch_id: Generated<string | null>
}

export interface PrimaryTransferRequestTable {
  id: Generated<string>
  business_id: string
  requester_user_id: string
  reason: string
  status: Generated<'submitted' | 'approved' | 'refused'>
  decided_by: string | null
  decided_at: Timestamp | null
  decision_note: string | null
  created_at: Timestamp
  /** The primary user the approval replaced (the first, if there were several); null otherwise. */
  former_primary_user_id: Generated<string | null>
  /** The officer who took the request. */
  assigned_to: Generated<string | null>
}

export interface EnrolmentTables {
  primary_transfer_request: PrimaryTransferRequestTable
  business: BusinessTable
  enrolment_request: EnrolmentRequestTable
  business_membership: BusinessMembershipTable
}
