import type { ColumnType, Generated, Selectable } from 'kysely'
import type { Timestamp } from '../../db/database.ts'

export type OfferStatus = 'draft' | 'awaiting_payment' | 'pending' | 'matched' | 'withdrawn'
/** What was typed, per section then field: strings, or lists for multiple choices. */
export type Answers = Record<string, Record<string, string | string[]>>

export interface OfferTable {
  id: Generated<string>
  business_id: string
  branch_id: string | null
  status: Generated<OfferStatus>
  offer_number: string | null
  answers: ColumnType<Answers, string | undefined, string>
  version: Generated<number>
  worker_name: Generated<string>
  job_title: Generated<string>
  created_by: string
  created_at: Timestamp
  updated_at: Timestamp
  submitted_at: Timestamp | null
}
export type Offer = Selectable<OfferTable>

export interface OfferTables {
  offer: OfferTable
}
