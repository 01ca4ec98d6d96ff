import type { ColumnType, Generated, Selectable } from 'kysely'
import type { Timestamp } from '../../db/database.ts'

/** A date column ('YYYY-MM-DD' on both engines). */
type DateColumn = ColumnType<string, string, string>

export interface WorkPermitMatchTable {
  id: Generated<string>
  offer_id: string
  entered_offer_number: string
  entered_passport: string
  entered_citizenship: string
  matched_by: string
  matched_at: Timestamp
  undone_by: string | null
  undone_at: Timestamp | null
  undo_reason: string | null
}
export type WorkPermitMatch = Selectable<WorkPermitMatchTable>

export type RefundOutcome = 'refunded' | 'pending' | 'failed' | 'not_refundable'

export interface WorkPermitDecisionTable {
  offer_id: string
  outcome: 'issued' | 'refused'
  first_day_of_employment: DateColumn | null
  /** The last day of the six-year inspection window (issued only). */
  inspection_until: DateColumn | null
  note: Generated<string>
  decided_by: string
  decided_at: Timestamp
  refund_payment_id: string | null
  refund_outcome: RefundOutcome | null
}
export type WorkPermitDecision = Selectable<WorkPermitDecisionTable>

export type CorrectableField = 'exemptionCode' | 'passportNumber'

export interface OfferCorrectionTable {
  id: Generated<string>
  offer_id: string
  field: CorrectableField
  old_value: string
  new_value: string
  reason: string
  corrected_by: string
  corrected_at: Timestamp
}
export type OfferCorrection = Selectable<OfferCorrectionTable>

export type ExportStatus = 'queued' | 'running' | 'done' | 'failed'

export interface InspectionExportTable {
  id: Generated<string>
  business_id: string
  format: 'csv' | 'pdf'
  status: Generated<ExportStatus>
  total: Generated<number>
  done: Generated<number>
  requested_by: string
  requested_at: Timestamp
  attempts: Generated<number>
  lease_until: Timestamp | null
  claimed_by: string | null
  finished_at: Timestamp | null
  failure: string | null
  file_name: string | null
  content: Buffer | null
}
export type InspectionExport = Selectable<InspectionExportTable>

export interface ConsoleSettingTable {
  key: string
  value: ColumnType<unknown, string, string>
  updated_by: string | null
  updated_at: Timestamp
}

export interface MaintenanceWindowTable {
  id: Generated<string>
  announce_from: Timestamp
  starts_at: Timestamp
  ends_at: Timestamp
  message_en: Generated<string>
  message_fr: Generated<string>
  created_by: string
  created_at: Timestamp
  cancelled_at: Timestamp | null
}
export type MaintenanceWindow = Selectable<MaintenanceWindowTable>

export type ProblemStatus = 'new' | 'in_progress' | 'resolved'

export interface ProblemReportTable {
  id: Generated<string>
  reporter_user_id: string | null
  contact_email: string | null
  page: Generated<string>
  description: string
  lang: 'en' | 'fr'
  screenshot: Buffer | null
  screenshot_type: 'image/png' | 'image/jpeg' | null
  status: Generated<ProblemStatus>
  status_note: Generated<string>
  handled_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
}
export type ProblemReport = Selectable<ProblemReportTable>

export interface RetentionPurgeTable {
  id: Generated<number>
  object_type: string
  object_id: string
  label: string
  business_id: string | null
  retention_until: DateColumn
  reason: string
  purged_by: string
  purged_at: Timestamp
}

/** Submitted offers per day (in `offer_submission_zone`'s time zone), exemption code and province: kept by the database. */
export interface OfferSubmissionTallyTable {
  day: DateColumn
  exemption_code: string
  province: string
  offers: ColumnType<string | number, never, never>
}

/** The one time zone the tally's days are counted in. */
export interface OfferSubmissionZoneTable {
  only_row: Generated<boolean>
  time_zone: string
}

export interface ConsoleTables {
  work_permit_match: WorkPermitMatchTable
  work_permit_decision: WorkPermitDecisionTable
  offer_correction: OfferCorrectionTable
  inspection_export: InspectionExportTable
  console_setting: ConsoleSettingTable
  maintenance_window: MaintenanceWindowTable
  problem_report: ProblemReportTable
  retention_purge: RetentionPurgeTable
  offer_submission_tally: OfferSubmissionTallyTable
  offer_submission_zone: OfferSubmissionZoneTable
}
