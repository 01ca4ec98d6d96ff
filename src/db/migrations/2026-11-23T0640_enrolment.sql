-- Enrolment: businesses, the primary user's request, and who belongs to a business.

create table business (
  id uuid primary key default gen_random_uuid(),
  business_number text not null unique check (business_number ~ '^[0-9]{9}$'),
  -- Legal name folded (case, accents, spaces) so "ACME  Ltée" and "acme ltee" are one business.
  legal_name text not null,
  legal_name_key text not null unique,
  operating_name text not null,
  street text not null,
  city text not null,
  province text not null,
  postal_code text not null,
  phone text not null,
  employer_number text not null unique,
  status text not null default 'active' check (status in ('active', 'dormant')),
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create sequence employer_number_seq start with 1000001;

create table enrolment_request (
  id uuid primary key default gen_random_uuid(),
  requester_user_id uuid not null references app_user (id),
  status text not null check (status in ('draft', 'submitted', 'approved', 'refused')),
  operates_in_canada boolean,
  business_number text,
  legal_name text,
  legal_name_key text,
  operating_name text,
  street text,
  city text,
  province text,
  postal_code text,
  phone text,
  submitted_at timestamptz,
  decided_at timestamptz,
  decided_by uuid references app_user (id),
  assigned_to uuid references app_user (id),
  refusal_reason text,
  decision_note text,
  business_id uuid references business (id),
  created_at timestamptz not null,
  updated_at timestamptz not null
);
-- One request under review per business number: two racing submissions, one wins.
create unique index enrolment_request_one_pending_idx on enrolment_request (business_number) where status = 'submitted';
-- One draft per person at a time.
create unique index enrolment_request_one_draft_idx on enrolment_request (requester_user_id) where status = 'draft';
create index enrolment_request_queue_idx on enrolment_request (status, submitted_at, id);
create index enrolment_request_requester_idx on enrolment_request (requester_user_id, created_at desc);

-- Who may act for a business (the access feature adds branches, PINs and secondary users).
create table business_membership (
  id uuid primary key default gen_random_uuid(),
  business_id uuid not null references business (id),
  user_id uuid not null references app_user (id),
  role text not null check (role in ('primary', 'branch_primary', 'secondary')),
  status text not null default 'active' check (status in ('active', 'removed')),
  created_at timestamptz not null,
  created_by uuid references app_user (id),
  removed_at timestamptz
);
create unique index business_membership_active_idx on business_membership (business_id, user_id) where status = 'active';
create index business_membership_user_idx on business_membership (user_id) where status = 'active';
