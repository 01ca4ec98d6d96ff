-- Offers of employment. A draft keeps exactly what was typed, per section, so nothing
-- that reached the server is ever lost; `version` detects edits from another tab.
create table offer (
  id uuid primary key default gen_random_uuid(),
  business_id uuid not null references business (id),
  branch_id uuid,
  status text not null default 'draft' check (status in ('draft', 'awaiting_payment', 'pending', 'matched', 'withdrawn')),
  offer_number text unique check (offer_number ~ '^A[0-9]{7}$'),
  answers jsonb not null default '{}'::jsonb,
  version integer not null default 1,
  -- Kept in step with the answers for the queue and searches.
  worker_name text not null default '',
  job_title text not null default '',
  created_by uuid not null references app_user (id),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  submitted_at timestamptz
);
create index offer_business_queue_idx on offer (business_id, updated_at desc, id desc);
create sequence offer_number_seq start with 1000000;
