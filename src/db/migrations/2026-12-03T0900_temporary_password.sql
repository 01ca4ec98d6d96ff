-- A password an administrator chose for someone (a new staff account's temporary password) is
-- changed by its owner at the next sign-in, before any console page. Accounts that exist already
-- chose their own password (or were made by the operator on the command line): none is marked.
alter table app_user add column must_change_password boolean not null default false;
