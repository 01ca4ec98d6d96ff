-- Submission, withdrawal and supporting documents of offers of employment.
alter table offer
  -- A fee exemption claimed at submission ('employer' or 'worker'); the offer then goes to an officer.
  add column fee_exemption text check (fee_exemption in ('employer', 'worker')),
  add column needs_review boolean not null default false,
  add column copied_from uuid references offer (id) on delete set null,
  add column withdrawn_at timestamptz,
  add column withdrawal_reason text,
  -- Searchable copies of the answers (normalized: upper case, letters and digits only).
  add column passport_key text not null default '';

-- The queue: per business (and branch), newest change first, and by status.
create index offer_branch_queue_idx on offer (business_id, branch_id, updated_at desc, id desc);
create index offer_status_queue_idx on offer (business_id, status, updated_at desc, id desc);
create index offer_passport_idx on offer (passport_key) where passport_key <> '';
create index offer_worker_name_idx on offer (business_id, lower(worker_name));

-- Supporting documents: kept in the database (the default store), type sniffed from the bytes.
create table offer_document (
  id uuid primary key default gen_random_uuid(),
  offer_id uuid not null references offer (id) on delete cascade,
  file_name text not null,
  content_type text not null check (content_type in ('application/pdf', 'image/jpeg', 'image/png')),
  size_bytes integer not null check (size_bytes > 0 and size_bytes <= 6291456),
  sha256 text not null,
  content bytea not null,
  uploaded_by uuid not null references app_user (id),
  created_at timestamptz not null
);
create index offer_document_offer_idx on offer_document (offer_id, created_at);
