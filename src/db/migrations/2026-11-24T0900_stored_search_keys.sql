-- The officers' name searches read their keys from stored columns, computed once when a
-- name is written. An expression index served the range and the order, but PostgreSQL
-- still computed console_fold() for every row a page returned, to carry the ORDER BY
-- expression up the plan: 26 folds were ~1 ms of the search page on the embedded database
-- (docs/performance.md, session 9). Stored, the key is read like any column.
alter table offer add column worker_key text collate "C" generated always as (console_fold(worker_name)) stored;
create index console_offer_worker_key_idx on offer (worker_key, id) where status <> 'draft';
drop index console_offer_worker_idx;

alter table business add column legal_name_fold text collate "C" generated always as (console_fold(legal_name)) stored;
create index console_business_name_fold_idx on business (legal_name_fold, id);
drop index console_business_name_idx;
