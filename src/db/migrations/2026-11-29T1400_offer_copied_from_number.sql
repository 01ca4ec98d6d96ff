-- A copy ("Copy into a new draft") now says which offer it was copied from, with a link.
-- `copied_from` links to the source but is set null when the source goes (a deleted draft, a
-- purge past its retention date); the source's offer number is kept beside it, so a copy of a
-- submitted offer still names it then. Copies made before this release get it from their source.
alter table offer add column copied_from_number text;

update offer c
set copied_from_number = s.offer_number
from offer s
where c.copied_from = s.id and s.offer_number is not null;
