-- Payments of the employer compliance fee, and the embedded test gateway's own state.
-- Frozen: never edit a landed migration; add a new file instead.

-- Receipt numbers: human-friendly, unique, never reused (a sequence never goes back).
create sequence payment_receipt_seq start 100001;

create table payment (
  id uuid primary key,
  -- What is paid for: e.g. ('offer', <offer id>). One purpose has at most one
  -- payment in progress or approved (payment_one_active_per_purpose).
  purpose_type text not null,
  purpose_id uuid not null,
  business_id uuid,
  created_by_user_id uuid,
  amount_cents integer not null check (amount_cents > 0),
  currency text not null default 'CAD' check (currency = 'CAD'),
  gateway text not null check (gateway in ('embedded', 'moneris')),
  status text not null check (status in ('pending', 'approved', 'declined', 'failed', 'cancelled', 'expired', 'refunded')),
  -- Every gateway call for this payment carries this key (derived from the id).
  idempotency_key text not null unique,
  checkout_ref text,
  redirect_url text,
  -- Where the person goes after the result page (the caller's next step).
  continue_path text,
  lang text not null default 'en' check (lang in ('en', 'fr')),
  failure_reason text,
  -- The receipt, filled on approval.
  receipt_number text unique,
  approved_at timestamptz,
  card_brand text,
  card_last4 text check (card_last4 is null or card_last4 ~ '^[0-9]{4}$'),
  gateway_transaction_id text,
  gateway_order_ref text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check (status <> 'approved' or (receipt_number is not null and approved_at is not null and gateway_transaction_id is not null))
);
create unique index payment_one_active_per_purpose on payment (purpose_type, purpose_id) where status in ('pending', 'approved');
create index payment_purpose_idx on payment (purpose_type, purpose_id, created_at desc);
create index payment_pending_idx on payment (created_at) where status = 'pending';

create table payment_refund (
  id uuid primary key,
  payment_id uuid not null references payment (id),
  amount_cents integer not null check (amount_cents > 0),
  status text not null check (status in ('pending', 'succeeded', 'failed')),
  idempotency_key text not null unique,
  reason text,
  requested_by_user_id uuid,
  gateway_refund_id text,
  failure_reason text,
  created_at timestamptz not null,
  completed_at timestamptz
);
-- The fee is refunded whole, once: at most one refund in progress or done per payment.
create unique index payment_refund_one_per_payment on payment_refund (payment_id) where status in ('pending', 'succeeded');

-- The embedded test gateway ("another site"): its own tables, never joined with payment.
-- It keeps no card number: only the brand and the last four digits.
create table test_gateway_checkout (
  id uuid primary key,
  idempotency_key text not null unique,
  amount_cents integer not null check (amount_cents > 0),
  currency text not null,
  order_ref text not null,
  return_url text not null,
  lang text not null check (lang in ('en', 'fr')),
  status text not null check (status in ('open', 'approved', 'declined', 'no_answer', 'cancelled')),
  card_brand text,
  card_last4 text check (card_last4 is null or card_last4 ~ '^[0-9]{4}$'),
  transaction_id text unique,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  completed_at timestamptz
);

create table test_gateway_refund (
  id uuid primary key,
  idempotency_key text not null unique,
  checkout_id uuid not null references test_gateway_checkout (id),
  amount_cents integer not null check (amount_cents > 0),
  refund_id text not null unique,
  created_at timestamptz not null
);
