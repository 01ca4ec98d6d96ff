-- A username never changes: no feature changes one, and the portal keeps each user's username
-- for the process once it has read it (usernamesOf, src/features/auth/users.repository.ts),
-- so that the queue need not join the users' table for its rows' creators. This makes the
-- promise the database's: an update that would change one is refused. Only a statement that
-- sets `username` has the trigger checked at all.
create function app_user_username_unchanged() returns trigger language plpgsql as $$
begin
  raise exception 'a username never changes (user %)', old.id using errcode = 'check_violation';
end
$$;
create trigger app_user_username_unchanged before update of username on app_user
  for each row when (old.username is distinct from new.username)
  execute function app_user_username_unchanged();
