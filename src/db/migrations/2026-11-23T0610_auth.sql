-- Sign-in: single-use links, recovery codes, and throttling shared by every app process.

-- E-mailed single-use links (verify e-mail, reset password). Only a hash of the token is kept.
create table user_token (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_user (id),
  purpose text not null check (purpose in ('verify_email', 'reset_password')),
  token_hash text not null unique,
  email text,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);
create index user_token_user_idx on user_token (user_id, purpose);

-- Second-factor recovery codes: ten per enrolment, each usable once, hashed.
create table recovery_code (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_user (id),
  code_hash text not null,
  used_at timestamptz
);
create index recovery_code_user_idx on recovery_code (user_id);

-- Failed attempts per key (a network address, a PIN...), with a growing delay.
create table throttle (
  key text primary key,
  failures integer not null,
  first_failure_at timestamptz not null,
  last_failure_at timestamptz not null,
  blocked_until timestamptz
);

-- The last TOTP time step accepted, so a code cannot be used twice.
alter table app_user add column totp_last_step bigint;
