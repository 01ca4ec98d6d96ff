import type { Timestamp } from '../../db/database.ts'

/** A provider account linked to a user: one row per (provider, subject). */
export interface FederatedIdentityTable {
  provider: string
  subject: string
  user_id: string
  created_at: Timestamp
  last_used_at: Timestamp
}

export interface FederatedTables {
  federated_identity: FederatedIdentityTable
}
