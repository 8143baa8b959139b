-- One person is one row whatever the spelling of their email: events carry
-- emails in the platform's one spelling from now on (io.nais.pg.events.Emails:
-- trimmed, lower-case), and the API looks a viewer up by the token's email in
-- that spelling. Fold rows that differ only in spelling, keeping the newest
-- fact per person, then respell what is left.
DELETE FROM console_member t
 USING console_member n
 WHERE t.team = n.team
   AND lower(btrim(t.email)) = lower(btrim(n.email))
   AND t.email <> n.email
   AND (t.changed_at, t.email) < (n.changed_at, n.email);

UPDATE console_member SET email = lower(btrim(email)) WHERE email <> lower(btrim(email));
