-- The officers' dashboard counted a year of submitted offers three times on each view (per
-- month, by exemption code, by province; each reading every offer's answers): 0.5 s with
-- 1,000,000 offers on PostgreSQL, and 0.17 s with 100,000 on the embedded database, whose one
-- connection serves nobody else meanwhile (docs/performance.md, session 12).
--
-- Now the database keeps a tally of submitted offers per day (in the portal's time zone, the
-- dashboard's months), exemption code and province of work, as offers are submitted, corrected
-- (an officer may change the exemption code) and purged. The dashboard reads at most a row per
-- day and combination. A day's rows are few: submissions of one day share a handful of codes
-- and provinces.

-- The time zone the days are counted in: the portal's (PORTAL_TIME_ZONE). The portal changes it,
-- and recounts, when its configuration names another (countSubmissionsIn, dashboard.service.ts).
create table offer_submission_zone (
  only_row boolean primary key default true check (only_row),
  time_zone text not null
);
insert into offer_submission_zone (time_zone) values ('America/Toronto');

create table offer_submission_tally (
  day date not null,
  exemption_code text not null,
  province text not null,
  offers bigint not null check (offers >= 0),
  primary key (day, exemption_code, province)
);

-- Which row of the tally an offer counts in: its exemption code and province of work, in one
-- place for the recount, the trigger and the trigger's condition.
create function offer_exemption_code(answers jsonb) returns text language sql immutable as $$
  select coalesce(answers->'exemption'->>'exemptionCode', '')
$$;
create function offer_work_province(answers jsonb) returns text language sql immutable as $$
  select coalesce(answers->'job'->>'workProvince', '')
$$;

-- Counted afresh from the offers: here, after a change of time zone, and after a bulk load
-- that left the triggers off (seed:scale).
create function offer_submission_tally_recount() returns void language sql as $$
  delete from offer_submission_tally;
  insert into offer_submission_tally (day, exemption_code, province, offers)
    select (o.submitted_at at time zone z.time_zone)::date, offer_exemption_code(o.answers), offer_work_province(o.answers), count(*)
    from offer o cross join offer_submission_zone z
    where o.submitted_at is not null
    group by 1, 2, 3;
$$;
select offer_submission_tally_recount();

create function offer_submission_tally_keep() returns trigger language plpgsql as $$
declare
  zone text := (select time_zone from offer_submission_zone);
begin
  if tg_op in ('DELETE', 'UPDATE') and old.submitted_at is not null then
    update offer_submission_tally
      set offers = offers - 1
      where day = (old.submitted_at at time zone zone)::date
        and exemption_code = offer_exemption_code(old.answers)
        and province = offer_work_province(old.answers);
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.submitted_at is not null then
    insert into offer_submission_tally as t (day, exemption_code, province, offers)
      values ((new.submitted_at at time zone zone)::date, offer_exemption_code(new.answers), offer_work_province(new.answers), 1)
      on conflict (day, exemption_code, province) do update set offers = t.offers + 1;
  end if;
  return null;
end
$$;
-- Only submitted offers, and of their changes only those that move them between rows: a
-- draft's saves (most writes to offer) never call the function.
create trigger offer_submission_tally_insert after insert on offer
  for each row when (new.submitted_at is not null) execute function offer_submission_tally_keep();
create trigger offer_submission_tally_delete after delete on offer
  for each row when (old.submitted_at is not null) execute function offer_submission_tally_keep();
create trigger offer_submission_tally_update after update of submitted_at, answers on offer
  for each row when (
    old.submitted_at is distinct from new.submitted_at
    or (new.submitted_at is not null and (
      offer_exemption_code(old.answers) <> offer_exemption_code(new.answers)
      or offer_work_province(old.answers) <> offer_work_province(new.answers))))
  execute function offer_submission_tally_keep();

-- A table truncated empties its tally: one function for every tally, the tally named by the
-- trigger (account_message_tally's own copy, from 2026-11-24T0920, replaced by it).
create function tally_clear() returns trigger language plpgsql as $$
begin
  execute format('delete from %I', tg_argv[0]);
  return null;
end
$$;
create trigger offer_submission_tally_truncate after truncate on offer
  for each statement execute function tally_clear('offer_submission_tally');
drop trigger account_message_tally_truncate on account_message;
drop function account_message_tally_clear();
create trigger account_message_tally_truncate after truncate on account_message
  for each statement execute function tally_clear('account_message_tally');
