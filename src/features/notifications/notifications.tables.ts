import type { ColumnType, Generated, Selectable } from 'kysely'
import type { Timestamp } from '../../db/database.ts'

import type { NotificationParams } from './render.ts'

type Params = ColumnType<NotificationParams, string | undefined, string>

export interface AccountMessageTable {
  id: Generated<string>
  user_id: string | null
  business_id: string | null
  template: string
  params: Params
  lang: 'en' | 'fr'
  subject: string
  body: string
  created_at: Timestamp
  /** When its one reader read a personal message (a business message's marks are in account_message_read). */
  read_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
}
export type AccountMessage = Selectable<AccountMessageTable>

/** Messages per owner (a user or a business) and a user's own unread, kept by a trigger on account_message. */
export interface AccountMessageTallyTable {
  owner_id: string
  total: ColumnType<number, never, never>
  unread: ColumnType<number, never, never>
}

export interface AccountMessageReadTable {
  message_id: string
  user_id: string
  read_at: Timestamp
}

export type OutboxStatus = 'pending' | 'sent' | 'failed'

export interface EmailOutboxTable {
  id: Generated<string>
  to_address: string
  lang: 'en' | 'fr'
  template: string
  params: Params
  status: Generated<OutboxStatus>
  attempts: Generated<number>
  next_attempt_at: Timestamp
  lease_until: Timestamp | null
  claimed_by: string | null
  message_id: string | null
  last_error: string | null
  created_at: Timestamp
  sent_at: Timestamp | null
}
export type OutboxRow = Selectable<EmailOutboxTable>

export interface EmailDeliveryLogTable {
  id: Generated<number>
  outbox_id: string
  attempt: number
  outcome: 'sent' | 'retry' | 'failed'
  detail: string | null
  worker: string
  occurred_at: Timestamp
}

export interface DevMailboxTable {
  id: Generated<number>
  message_id: string
  from_address: string
  reply_to: string | null
  to_address: string
  lang: string
  subject: string
  text_body: string
  html_body: string
  received_at: Timestamp
}
export type DevMailboxRow = Selectable<DevMailboxTable>

export interface NotificationTables {
  account_message: AccountMessageTable
  account_message_read: AccountMessageReadTable
  account_message_tally: AccountMessageTallyTable
  email_outbox: EmailOutboxTable
  email_delivery_log: EmailDeliveryLogTable
  dev_mailbox: DevMailboxTable
}
