-- The header's unread count is read on every signed-in page. Counted as "every message this
-- person may see that has no read mark", it walked their whole history: a representative
-- with 10,000 offers has some 20,000 messages (a submission and a receipt for each), and the
-- count then cost ~25 ms a page (docs/performance.md, session 11). The messages page and the
-- home page's panel also counted every message for "page 1 of N".
--
-- A personal message has one reader: its read time now lives on the message. A business
-- message (one message, read separately by each of the business's people) keeps its marks
-- in account_message_read.
alter table account_message add column read_at timestamptz;
update account_message m set read_at = r.read_at
  from account_message_read r
  where r.message_id = m.id and r.user_id = m.user_id;
delete from account_message_read r
  using account_message m
  where m.id = r.message_id and m.user_id is not null;
alter table account_message add constraint account_message_read_personal check (read_at is null or user_id is not null);

-- How many messages each owner (a user or a business) has, and how many of a user's own are
-- unread, kept by the database itself as messages come, are read and go (a user's deletion
-- cascades to theirs): the header and the pages read a row per owner instead of counting the
-- history, or the unread part of it (people who read their e-mail never open these).
create table account_message_tally (
  owner_id uuid primary key,
  total bigint not null check (total >= 0),
  unread bigint not null check (unread >= 0)
);
insert into account_message_tally (owner_id, total, unread)
  select coalesce(user_id, business_id), count(*), count(*) filter (where user_id is not null and read_at is null)
  from account_message group by 1;

create function account_message_tally_keep() returns trigger language plpgsql as $$
begin
  if tg_op in ('DELETE', 'UPDATE') then
    update account_message_tally
      set total = total - 1, unread = unread - (old.user_id is not null and old.read_at is null)::int
      where owner_id = coalesce(old.user_id, old.business_id);
    -- An owner with no messages left (a deleted account) keeps no row.
    delete from account_message_tally where owner_id = coalesce(old.user_id, old.business_id) and total = 0;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    insert into account_message_tally as t (owner_id, total, unread)
      values (coalesce(new.user_id, new.business_id), 1, (new.user_id is not null and new.read_at is null)::int)
      on conflict (owner_id) do update set total = t.total + 1, unread = t.unread + excluded.unread;
  end if;
  return null;
end
$$;
create trigger account_message_tally_rows after insert or delete or update of user_id, business_id, read_at on account_message
  for each row execute function account_message_tally_keep();

create function account_message_tally_clear() returns trigger language plpgsql as $$
begin
  delete from account_message_tally;
  return null;
end
$$;
create trigger account_message_tally_truncate after truncate on account_message
  for each statement execute function account_message_tally_clear();
