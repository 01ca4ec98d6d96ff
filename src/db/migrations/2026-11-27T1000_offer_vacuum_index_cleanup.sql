-- A section save is never a HOT update (updated_at is in the queue's indexes), so every save
-- leaves a dead entry in each of the offer's indexes, and a business whose drafts are saved
-- often gathers them at the head of its queue's order, which every first page reads. VACUUM
-- skips its index pass when fewer than 2 % of the table's pages hold dead rows (PostgreSQL 14's
-- INDEX_CLEANUP AUTO), and a busy business's saves fit in far fewer: measured on 1,000,000
-- offers, 187,000 dead entries on 0.8 % of the pages stayed after VACUUM, and the busiest
-- business's first page read 2,385 index pages (5 ms) instead of 7 (0.05 ms) after a VACUUM
-- that cleaned the indexes (docs/performance.md, session 29). Both autovacuum on PostgreSQL
-- and the portal's own maintenance of the embedded database honour this setting.
alter table offer set (vacuum_index_cleanup = on);
