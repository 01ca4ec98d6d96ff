import type { Generated, Selectable } from 'kysely'
import type { Timestamp } from '../../db/database.ts'

export interface ApiTokenTable {
  id: Generated<string>
  user_id: string
  business_id: string
  name: string
  /** Space-separated scopes: read, drafts, submit. */
  scopes: string
  token_hash: string
  token_prefix: string
  created_at: Timestamp
  expires_at: Timestamp
  last_used_at: Timestamp | null
  revoked_at: Timestamp | null
  revoked_by: string | null
}
export type ApiToken = Selectable<ApiTokenTable>

export interface ApiIdempotencyTable {
  token_id: string
  idempotency_key: string
  request_hash: string
  status: number | null
  response_body: string | null
  response_headers: string | null
  created_at: Timestamp
}

export interface ApiTables {
  api_token: ApiTokenTable
  api_idempotency: ApiIdempotencyTable
}
