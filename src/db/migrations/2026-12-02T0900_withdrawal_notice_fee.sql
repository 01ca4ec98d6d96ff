-- A withdrawal's notice (template offerWithdrawn) now says what became of the fee in its own
-- param, {fee}: none was paid, or its refund is under way. Notices written before have no such
-- param and said that the fee, if paid, is refunded: they get those same words as {fee}, so they
-- read as they did (pages and e-mails render a notice again from its template and params).
update account_message
   set params = params || jsonb_build_object('fee', jsonb_build_object(
     'en', 'The employer compliance fee, if paid, is refunded to the card it was paid with.',
     'fr', 'Les frais relatifs à la conformité de l’employeur, s’ils ont été payés, sont remboursés sur la carte utilisée pour les payer.'))
 where template = 'offerWithdrawn' and not (params ? 'fee');

update email_outbox
   set params = params || jsonb_build_object('fee', jsonb_build_object(
     'en', 'The employer compliance fee, if paid, is refunded to the card it was paid with.',
     'fr', 'Les frais relatifs à la conformité de l’employeur, s’ils ont été payés, sont remboursés sur la carte utilisée pour les payer.'))
 where template = 'offerWithdrawn' and not (params ? 'fee');
