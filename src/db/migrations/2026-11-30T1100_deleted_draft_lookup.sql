-- A deleted draft is gone from `offer`, and its audit entry (`offer.draft_deleted`) is what tells
-- its business's people, who come back to it by Back or a bookmark, that it was deleted and when.
-- Every address naming an offer that is not there asks for that entry by the offer's id: found by
-- this small index, never by a walk through every deletion (audit_event_action_idx orders them by time).
create index audit_event_draft_deleted_idx on audit_event (object_id) where action = 'offer.draft_deleted';
