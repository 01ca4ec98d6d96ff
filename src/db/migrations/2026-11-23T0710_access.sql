-- Access: branches, PINs that let a person join a business, and the branch of a membership.

create table branch (
  id uuid primary key default gen_random_uuid(),
  business_id uuid not null references business (id),
  name text not null,
  street text not null,
  city text not null,
  province text not null,
  postal_code text not null,
  created_at timestamptz not null,
  created_by uuid references app_user (id)
);
create index branch_business_idx on branch (business_id, name);

alter table business_membership add column branch_id uuid references branch (id);
create index business_membership_business_idx on business_membership (business_id, status);

-- A PIN: an invitation for one named person to join a business (or a branch) with a role.
-- pin_hash is a keyed HMAC-SHA256 of the PIN (lookup without keeping the PIN);
-- pin_sealed is the PIN encrypted (AES-256-GCM) so the primary user can read it again while
-- it is unused; it is erased (null) when the PIN is used, locked, expires, is revoked or re-issued.
create table access_pin (
  id uuid primary key default gen_random_uuid(),
  business_id uuid not null references business (id),
  branch_id uuid references branch (id),
  role text not null check (role in ('branch_primary', 'secondary')),
  given_names text not null,
  family_name text not null,
  email text,
  pin_hash text not null,
  pin_sealed text,
  status text not null default 'issued' check (status in ('issued', 'used', 'locked', 'expired', 'revoked')),
  failed_attempts integer not null default 0,
  expires_at timestamptz not null,
  created_by uuid references app_user (id),
  created_at timestamptz not null,
  reissued_at timestamptz,
  used_at timestamptz,
  used_by uuid references app_user (id),
  membership_id uuid references business_membership (id),
  check (status = 'issued' or pin_sealed is null)
);
-- Two live PINs never share a hash (a collision is retried with a new PIN).
create unique index access_pin_live_hash_idx on access_pin (pin_hash) where status = 'issued';
create index access_pin_hash_idx on access_pin (pin_hash);
create index access_pin_business_idx on access_pin (business_id, created_at);
