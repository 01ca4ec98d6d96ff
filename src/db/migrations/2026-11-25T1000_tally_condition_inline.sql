-- The tally's update trigger (2026-11-24T0940) is checked at every save of a draft: a save
-- writes `answers`, one of the columns the trigger watches. PostgreSQL plans a trigger's
-- condition afresh in each statement, and planning inlines each SQL function it calls, parsing
-- the function's text again: four calls were ~25 µs of a save's ~160 µs on the server
-- (docs/performance.md, session 25). The same condition with the paths written out is planned
-- without parsing anything. It may fire where the old one did not (a code or province changed
-- from absent to empty, which count in the same row): the trigger then takes one off and adds
-- one back to the same row, which changes nothing.
drop trigger offer_submission_tally_update on offer;
create trigger offer_submission_tally_update after update of submitted_at, answers on offer
  for each row when (
    old.submitted_at is distinct from new.submitted_at
    or (new.submitted_at is not null and (
      (old.answers->'exemption'->>'exemptionCode') is distinct from (new.answers->'exemption'->>'exemptionCode')
      or (old.answers->'job'->>'workProvince') is distinct from (new.answers->'job'->>'workProvince'))))
  execute function offer_submission_tally_keep();
