-- A refund's reason was stored as text in both languages ("Offer withdrawn / Offre retirée: …")
-- or as a bare code ("work_permit_refused"), and the refund's message and receipt showed it as
-- stored, whatever the reader's language. It is now one of the portal's reason codes, worded in
-- each language when shown, with the words of the person who caused it (a withdrawal's reason)
-- kept apart. The rows an older release wrote are turned into the same shape.
alter table payment_refund add column reason_detail text;

update payment_refund
set reason = 'offer_withdrawn',
    reason_detail = nullif(substr(reason, length('Offer withdrawn / Offre retirée: ') + 1), '')
where reason like 'Offer withdrawn / Offre retirée: %';

update payment_refund set reason = 'offer_withdrawn' where reason = 'Offer withdrawn / Offre retirée';

update payment_refund set reason = 'paid_after_draft'
where reason = 'Paid after the offer returned to draft / Payé après le retour de l’offre à l’état d’ébauche';
