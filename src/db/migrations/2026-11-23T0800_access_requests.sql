-- Access, continued: PIN reset requests, dormancy (warnings, reactivation requests),
-- and PINs the department issues to someone who is, or must become, the primary user.

-- A PIN may now make its holder the business's primary user (issued by an officer only).
alter table access_pin drop constraint access_pin_role_check;
alter table access_pin add constraint access_pin_role_check check (role in ('primary', 'branch_primary', 'secondary'));

-- Someone who lost their PIN asks for a new one. business_id is the business the typed
-- number names, if any: it decides who handles the request and is never shown to the requester.
create table pin_reset_request (
  id uuid primary key default gen_random_uuid(),
  requester_user_id uuid not null references app_user (id),
  given_names text not null,
  family_name text not null,
  business_key text not null,
  business_id uuid references business (id),
  email text not null,
  reason text not null,
  wants_primary boolean not null,
  handled_by text not null check (handled_by in ('primary', 'officers')),
  status text not null default 'submitted' check (status in ('submitted', 'issued', 'refused')),
  assigned_to uuid references app_user (id),
  decided_by uuid references app_user (id),
  decided_at timestamptz,
  decision_note text,
  pin_id uuid references access_pin (id),
  created_at timestamptz not null
);
-- One open request per person and typed number (asking twice is answered like asking once).
create unique index pin_reset_open_idx on pin_reset_request (requester_user_id, business_key) where status = 'submitted';
create index pin_reset_queue_idx on pin_reset_request (handled_by, status, created_at, id);
create index pin_reset_business_idx on pin_reset_request (business_id, status);

-- Dormancy bookkeeping per user. The warnings remember the start of the inactivity they were
-- about, so each is sent once per period of inactivity; reactivated_at restarts the clock.
create table user_dormancy (
  user_id uuid primary key references app_user (id),
  warned_18_for timestamptz,
  warned_23_for timestamptz,
  dormant_at timestamptz,
  reactivated_at timestamptz
);

-- A dormant user asks the department to reactivate their account.
create table reactivation_request (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_user (id),
  reason text not null,
  status text not null default 'submitted' check (status in ('submitted', 'reactivated', 'refused')),
  assigned_to uuid references app_user (id),
  decided_by uuid references app_user (id),
  decided_at timestamptz,
  decision_note text,
  created_at timestamptz not null
);
create unique index reactivation_open_idx on reactivation_request (user_id) where status = 'submitted';
create index reactivation_queue_idx on reactivation_request (status, created_at, id);
