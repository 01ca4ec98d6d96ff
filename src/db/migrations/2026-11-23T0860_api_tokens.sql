-- Personal API tokens for representatives' software (/api/v1), and the answers kept
-- for idempotency keys. A token acts as its user within one business; only the
-- SHA-256 of the token (256 random bits) is kept.
create table api_token (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_user (id),
  business_id uuid not null references business (id),
  name text not null check (length(name) between 1 and 100),
  -- Space-separated, in this order: read, drafts, submit.
  scopes text not null check (scopes ~ '^(read|drafts|submit)( (read|drafts|submit))*$'),
  token_hash text not null unique,
  -- The first characters of the token (ep_ and 6 more), to recognise it in the list.
  token_prefix text not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  last_used_at timestamptz,
  revoked_at timestamptz,
  revoked_by uuid references app_user (id),
  check (expires_at > created_at)
);
create index api_token_user_idx on api_token (user_id, created_at);

-- One row per (token, Idempotency-Key): the request's fingerprint, then the first answer.
-- status is null while the first request is still being handled.
create table api_idempotency (
  token_id uuid not null references api_token (id),
  idempotency_key text not null,
  request_hash text not null,
  status integer,
  response_body text,
  response_headers text,
  created_at timestamptz not null,
  primary key (token_id, idempotency_key)
);
create index api_idempotency_created_idx on api_idempotency (created_at);
