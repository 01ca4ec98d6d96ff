import type { ColumnType, Generated, GeneratedAlways, Selectable } from 'kysely'
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
  fee_exemption: 'employer' | 'worker' | null
  needs_review: Generated<boolean>
  copied_from: string | null
  /** The source's offer number when it was copied (kept when the source is deleted or purged: copied_from is then null). */
  copied_from_number: string | null
  withdrawn_at: Timestamp | null
  withdrawal_reason: string | null
  passport_key: Generated<string>
  /** console_fold(worker_name), stored: the officers' name search and the queue's (migrations 2026-11-24T0900, 2026-11-29T1500). */
  worker_key: GeneratedAlways<string>
  fee_review_assignee: string | null
  fee_review_decision: 'accepted' | 'refused' | null
  fee_review_reason: string | null
  fee_reviewed_by: string | null
  fee_reviewed_at: Timestamp | null
}
export type Offer = Selectable<OfferTable>

export interface OfferDocumentTable {
  id: Generated<string>
  offer_id: string
  file_name: string
  content_type: 'application/pdf' | 'image/jpeg' | 'image/png'
  size_bytes: number
  sha256: string
  content: Buffer
  uploaded_by: string
  created_at: Timestamp
}
export type OfferDocument = Selectable<OfferDocumentTable>

/** One save of one section (`offer_version`), kept for inspections. */
export interface OfferVersionTable {
  offer_id: string
  version: number
  section: string
  saved_values: ColumnType<Record<string, string | string[]>, string, string>
  saved_by: string | null
  saved_at: Timestamp
}

export interface OfferTables {
  offer: OfferTable
  offer_document: OfferDocumentTable
  offer_version: OfferVersionTable
}
