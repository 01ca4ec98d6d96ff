-- People who sign in: employer users (portal) and department staff (console).
create table app_user (
  id uuid primary key default gen_random_uuid(),
  -- 'employer' users sign in to the portal; 'officer' and 'administrator' to the console.
  role text not null check (role in ('employer', 'officer', 'administrator')),
  username text not null,
  username_key text not null unique,
  email text,
  email_key text,
  email_verified_at timestamptz,
  password_hash text,
  given_name text not null default '',
  middle_name text not null default '',
  family_name text not null default '',
  preferred_language text not null default 'en' check (preferred_language in ('en', 'fr')),
  totp_secret text,
  totp_enabled_at timestamptz,
  status text not null default 'active' check (status in ('active', 'dormant', 'deleted')),
  failed_sign_ins integer not null default 0,
  locked_until timestamptz,
  last_sign_in_at timestamptz,
  previous_sign_in_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index app_user_email_key_idx on app_user (email_key);
