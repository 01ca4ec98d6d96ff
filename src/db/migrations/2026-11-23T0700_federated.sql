-- Federated sign-in (OpenID Connect): which provider account (issuer's subject) is which user.
-- A first federated sign-in creates the user and this link in one transaction.
create table federated_identity (
  -- The provider's id in OIDC_PROVIDERS (e.g. 'bank'), not its issuer URL, so an issuer may move.
  provider text not null,
  -- The provider's stable identifier of the person (the ID token's `sub`).
  subject text not null,
  user_id uuid not null references app_user (id),
  created_at timestamptz not null,
  last_used_at timestamptz not null,
  primary key (provider, subject)
);
create index federated_identity_user_idx on federated_identity (user_id);
