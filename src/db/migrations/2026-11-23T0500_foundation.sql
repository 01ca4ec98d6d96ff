-- Foundation: server-side sessions and the append-only audit trail.
-- Frozen: never edit a landed migration; add a new file instead.

create table session (
  id text primary key,
  data jsonb not null,
  user_id uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  expires_at timestamptz not null
);
create index session_user_id_idx on session (user_id) where user_id is not null;
create index session_expires_at_idx on session (expires_at);

-- Who did what, when, from where, on which business and object.
create table audit_event (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null,
  actor_user_id uuid,
  actor_label text not null,
  action text not null,
  business_id uuid,
  object_type text,
  object_id text,
  ip text,
  request_id text,
  details jsonb not null default '{}'::jsonb
);
create index audit_event_business_idx on audit_event (business_id, occurred_at desc, id desc) where business_id is not null;
create index audit_event_actor_idx on audit_event (actor_user_id, occurred_at desc, id desc) where actor_user_id is not null;
create index audit_event_action_idx on audit_event (action, occurred_at desc, id desc);
create index audit_event_occurred_idx on audit_event (occurred_at desc, id desc);

-- The audit trail is append-only: the database itself refuses to change or remove a row.
create function audit_event_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_event is append-only: % refused', tg_op using errcode = '42501';
end
$$;
create trigger audit_event_no_update before update or delete on audit_event
  for each row execute function audit_event_is_append_only();
create trigger audit_event_no_truncate before truncate on audit_event
  for each statement execute function audit_event_is_append_only();
