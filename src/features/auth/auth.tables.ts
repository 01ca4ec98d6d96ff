import type { Generated } from 'kysely'
import type { Timestamp } from '../../db/database.ts'

export interface UserTokenTable {
  id: Generated<string>
  user_id: string
  purpose: 'verify_email' | 'reset_password'
  token_hash: string
  email: string | null
  created_at: Timestamp
  expires_at: Timestamp
  used_at: Timestamp | null
}

export interface RecoveryCodeTable {
  id: Generated<string>
  user_id: string
  code_hash: string
  used_at: Timestamp | null
}

export interface ThrottleTable {
  key: string
  failures: number
  first_failure_at: Timestamp
  last_failure_at: Timestamp
  blocked_until: Timestamp | null
}

export interface AuthTables {
  user_token: UserTokenTable
  recovery_code: RecoveryCodeTable
  throttle: ThrottleTable
}
