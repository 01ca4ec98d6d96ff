-- Registering asks for no name, and joining a business with a PIN did not give the profile one,
-- so Manage access listed such members with empty name cells (and "Delete Account for " with no
-- one after it). Joining now fills an empty profile's names; this gives the profiles of those
-- who joined before the names of the first PIN they used (the names the primary user typed,
-- which theirs matched). A profile with any name keeps it.
update app_user u
set given_name = p.given_names, family_name = p.family_name, updated_at = now()
from (
  select distinct on (used_by) used_by, given_names, family_name
  from access_pin
  where status = 'used' and used_by is not null
  order by used_by, used_at, id
) p
where p.used_by = u.id and u.given_name = '' and u.family_name = '';
