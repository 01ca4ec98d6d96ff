-- Request counts per key and fixed window, shared by every app process (the API's
-- per-token rate limit): a process's memory would give each process its own limit.
create table rate_window (
  key text not null,
  window_start timestamptz not null,
  count integer not null,
  primary key (key, window_start)
);
