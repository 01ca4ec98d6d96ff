-- Asking the department to make someone the primary user of an enrolled business
-- (when its primary user has left or cannot be reached).
create table primary_transfer_request (
  id uuid primary key default gen_random_uuid(),
  business_id uuid not null references business (id),
  requester_user_id uuid not null references app_user (id),
  reason text not null,
  status text not null default 'submitted' check (status in ('submitted', 'approved', 'refused')),
  decided_by uuid references app_user (id),
  decided_at timestamptz,
  decision_note text,
  created_at timestamptz not null
);
-- One open request per person and business.
create unique index primary_transfer_open_idx on primary_transfer_request (business_id, requester_user_id) where status = 'submitted';
create index primary_transfer_queue_idx on primary_transfer_request (status, created_at, id);
