-- The officer console: search keys, matching and work permit decisions, officers'
-- corrections, inspection exports, administration (settings, maintenance windows,
-- problem reports) and retention purges. (The audit trail's append-only trigger is
-- in the foundation migration.)

-- A search key: upper-case and accented Latin letters folded to plain lower case, every
-- other run of characters to one space. Pure translate/regexp (no locale), so PGlite and
-- PostgreSQL agree; src/features/console/search.keys.ts computes the same in TypeScript.
create function console_fold(value text) returns text language sql immutable parallel safe as $$
  select btrim(regexp_replace(translate(coalesce(value, ''),
    'ABCDEFGHIJKLMNOPQRSTUVWXYZàÀáÁâÂãÃäÄåÅāĀăĂąĄçÇćĆĉĈċĊčČďĎđĐèÈéÉêÊëËēĒĕĔėĖęĘěĚĝĜğĞġĠģĢĥĤħĦìÌíÍîÎïÏĩĨīĪĭĬįĮıĵĴķĶĺĹļĻľĽŀĿłŁñÑńŃņŅňŇŉòÒóÓôÔõÕöÖøØōŌŏŎőŐœŒŕŔŗŖřŘśŚŝŜşŞšŠßţŢťŤŧŦùÙúÚûÛüÜũŨūŪŭŬůŮűŰųŲŵŴýÝÿŸŷŶźŹżŻžŽæÆ',
    'abcdefghijklmnopqrstuvwxyzaaaaaaaaaaaaaaaaaaccccccccccddddeeeeeeeeeeeeeeeeeegggggggghhhhiiiiiiiiiiiiiiiiijjkkllllllllllnnnnnnnnnoooooooooooooooooooorrrrrrsssssssssttttttuuuuuuuuuuuuuuuuuuuuwwyyyyyyzzzzzzaa'),
    '[^a-z0-9]+', ' ', 'g'))
$$;

-- A passport number as matched and searched: letters and digits only, upper case.
create function console_passport_key(answers jsonb) returns text language sql immutable parallel safe as $$
  select upper(regexp_replace(coalesce(answers -> 'worker' ->> 'passportNumber', ''), '[^A-Za-z0-9]+', '', 'g'))
$$;

-- Officers' searches (keyset pages ordered by key then id), submitted offers only.
create index console_offer_worker_idx on offer ((console_fold(worker_name) collate "C"), id) where status <> 'draft';
create index console_offer_passport_idx on offer (console_passport_key(answers), id) where status <> 'draft';
create index console_offer_submitted_idx on offer (submitted_at, id) where submitted_at is not null;
create index console_business_name_idx on business ((console_fold(legal_name) collate "C"), id);

-- A worker's work permit application linked to an offer (an undone match is kept, with who and why).
create table work_permit_match (
  id uuid primary key default gen_random_uuid(),
  offer_id uuid not null references offer (id) on delete cascade,
  -- What the officer typed from the application.
  entered_offer_number text not null,
  entered_passport text not null,
  entered_citizenship text not null,
  matched_by uuid not null references app_user (id),
  matched_at timestamptz not null,
  undone_by uuid references app_user (id),
  undone_at timestamptz,
  undo_reason text
);
create unique index work_permit_match_live_idx on work_permit_match (offer_id) where undone_at is null;
create index work_permit_match_offer_idx on work_permit_match (offer_id, matched_at);

-- The work permit decision on a matched offer: issued (the inspection window runs six years
-- from the first day of employment) or refused (the fee is refunded).
create table work_permit_decision (
  offer_id uuid primary key references offer (id) on delete cascade,
  outcome text not null check (outcome in ('issued', 'refused')),
  first_day_of_employment date,
  inspection_until date,
  note text not null default '',
  decided_by uuid not null references app_user (id),
  decided_at timestamptz not null,
  refund_payment_id uuid,
  refund_outcome text check (refund_outcome in ('refunded', 'pending', 'failed', 'not_refundable')),
  check ((outcome = 'issued') = (first_day_of_employment is not null and inspection_until is not null))
);
create index work_permit_decision_decided_idx on work_permit_decision (decided_at);
create index work_permit_decision_inspection_idx on work_permit_decision (inspection_until) where inspection_until is not null;

-- Officers' corrections of a submitted offer: what changed, old and new, who and why.
create table offer_correction (
  id uuid primary key default gen_random_uuid(),
  offer_id uuid not null references offer (id) on delete cascade,
  field text not null check (field in ('exemptionCode', 'passportNumber')),
  old_value text not null,
  new_value text not null,
  reason text not null,
  corrected_by uuid not null references app_user (id),
  corrected_at timestamptz not null
);
create index offer_correction_offer_idx on offer_correction (offer_id, corrected_at);

-- Inspection exports made in the background (the worker claims them with a lease).
create table inspection_export (
  id uuid primary key default gen_random_uuid(),
  business_id uuid not null references business (id),
  format text not null check (format in ('csv', 'pdf')),
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  total integer not null default 0,
  done integer not null default 0,
  requested_by uuid not null references app_user (id),
  requested_at timestamptz not null,
  attempts integer not null default 0,
  lease_until timestamptz,
  claimed_by text,
  finished_at timestamptz,
  failure text,
  file_name text,
  content bytea
);
create index inspection_export_due_idx on inspection_export (requested_at) where status in ('queued', 'running');
create index inspection_export_business_idx on inspection_export (business_id, requested_at desc);

-- Settings administrators change (the fee, the help page's content): one JSON value per key.
create table console_setting (
  key text primary key,
  value jsonb not null,
  updated_by uuid references app_user (id),
  updated_at timestamptz not null
);

-- Maintenance windows: announced (a banner) from announce_from, sign-in closed from starts_at to ends_at.
create table maintenance_window (
  id uuid primary key default gen_random_uuid(),
  announce_from timestamptz not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  message_en text not null default '',
  message_fr text not null default '',
  created_by uuid not null references app_user (id),
  created_at timestamptz not null,
  cancelled_at timestamptz,
  check (announce_from <= starts_at and starts_at < ends_at)
);
create index maintenance_window_live_idx on maintenance_window (ends_at) where cancelled_at is null;

-- Technical problem reports sent from the help page, with an optional screenshot.
create table problem_report (
  id uuid primary key default gen_random_uuid(),
  reporter_user_id uuid references app_user (id),
  contact_email text,
  page text not null default '',
  description text not null,
  lang text not null check (lang in ('en', 'fr')),
  screenshot bytea,
  screenshot_type text check (screenshot_type in ('image/png', 'image/jpeg')),
  status text not null default 'new' check (status in ('new', 'in_progress', 'resolved')),
  status_note text not null default '',
  handled_by uuid references app_user (id),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check ((screenshot is null) = (screenshot_type is null))
);
create index problem_report_status_idx on problem_report (status, created_at desc, id);

-- What an administrator purged on purpose, past its retention date.
create table retention_purge (
  id bigint generated always as identity primary key,
  object_type text not null,
  object_id uuid not null,
  label text not null,
  business_id uuid,
  retention_until date not null,
  reason text not null,
  purged_by uuid not null references app_user (id),
  purged_at timestamptz not null
);
