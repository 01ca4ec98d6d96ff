-- An officer's review of a claimed fee exemption: who took it, the decision and why.
alter table offer
  add column fee_review_assignee uuid references app_user (id),
  add column fee_review_decision text check (fee_review_decision in ('accepted', 'refused')),
  add column fee_review_reason text,
  add column fee_reviewed_by uuid references app_user (id),
  add column fee_reviewed_at timestamptz;
create index offer_fee_review_idx on offer (submitted_at, id) where needs_review;
