-- A primary-role transfer request keeps who it replaced: once approved, the business's primary
-- user is the requester, and the record would otherwise no longer say who was primary before.
-- Written at the decision (null: decided before this column, refused, or no primary user then).
alter table primary_transfer_request add column former_primary_user_id uuid references app_user (id);
-- Like the other queues, an officer may take a request ("Assign to me").
alter table primary_transfer_request add column assigned_to uuid references app_user (id);
