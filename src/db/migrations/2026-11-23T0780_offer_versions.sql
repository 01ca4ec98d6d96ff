-- Every save of an offer's section, as it was saved: an inspection reads what the offer
-- said at each version, who saved it and when (the offer row holds only the latest).
create table offer_version (
  offer_id uuid not null references offer (id) on delete cascade,
  version integer not null,
  section text not null,
  saved_values jsonb not null,
  saved_by uuid references app_user (id),
  saved_at timestamptz not null,
  primary key (offer_id, version)
);
