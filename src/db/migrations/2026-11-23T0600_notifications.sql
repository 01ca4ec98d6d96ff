-- Notifications: account messages (shown in the portal), the e-mail outbox with its
-- delivery log, and the development mailbox. Frozen: add a new file to change this.

-- An account message belongs to one user, or to a business (seen by its users who may
-- see it). There is no business table yet: business_id is a plain uuid.
create table account_message (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references app_user (id) on delete cascade,
  business_id uuid,
  template text not null,
  params jsonb not null default '{}'::jsonb,
  -- Rendered in the recipient's language when written: what is shown if the template
  -- is ever retired. Pages render the template in the page's language when it exists.
  lang text not null check (lang in ('en', 'fr')),
  subject text not null,
  body text not null,
  created_at timestamptz not null,
  constraint account_message_one_owner check ((user_id is null) <> (business_id is null))
);
create index account_message_user_idx on account_message (user_id, created_at desc, id desc) where user_id is not null;
create index account_message_business_idx on account_message (business_id, created_at desc, id desc) where business_id is not null;

-- Read marks are per person: a business message read by one user is unread for the others.
create table account_message_read (
  message_id uuid not null references account_message (id) on delete cascade,
  user_id uuid not null references app_user (id) on delete cascade,
  read_at timestamptz not null,
  primary key (message_id, user_id)
);
create index account_message_read_user_idx on account_message_read (user_id);

-- The transactional outbox: written in the same transaction as the change that causes
-- the e-mail; dispatchers claim due rows with FOR UPDATE SKIP LOCKED and a lease.
create table email_outbox (
  id uuid primary key default gen_random_uuid(),
  to_address text not null,
  lang text not null check (lang in ('en', 'fr')),
  template text not null,
  params jsonb not null default '{}'::jsonb,
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  -- A claim: while lease_until is in the future, no other dispatcher takes the row.
  lease_until timestamptz,
  claimed_by text,
  -- Fixed at the first claim, before the first send: every retry carries the same one.
  message_id text unique,
  last_error text,
  created_at timestamptz not null,
  sent_at timestamptz
);
create index email_outbox_due_idx on email_outbox (next_attempt_at) where status = 'pending';

-- One row per delivery attempt: what happened, when, by which dispatcher.
create table email_delivery_log (
  id bigint generated always as identity primary key,
  outbox_id uuid not null references email_outbox (id) on delete cascade,
  attempt integer not null,
  outcome text not null check (outcome in ('sent', 'retry', 'failed')),
  detail text,
  worker text not null,
  occurred_at timestamptz not null
);
create index email_delivery_log_outbox_idx on email_delivery_log (outbox_id, id);

-- The development mailbox: where e-mails go when no SMTP server is configured, read at
-- /dev/mailbox (never in production). One row per Message-ID: a re-send is a no-op.
create table dev_mailbox (
  id bigint generated always as identity primary key,
  message_id text not null unique,
  from_address text not null,
  reply_to text,
  to_address text not null,
  lang text not null,
  subject text not null,
  text_body text not null,
  html_body text not null,
  received_at timestamptz not null
);
