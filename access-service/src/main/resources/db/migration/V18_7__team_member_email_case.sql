-- One person is one row whatever the spelling of their email: events carry
-- emails in the platform's one spelling from now on (io.nais.pg.events.Emails:
-- trimmed, lower-case). Fold rows that differ only in spelling, keeping the
-- newest fact per person, then respell what is left. A person's role named in
-- the old spelling is then wanted by nobody, so the next full resync of each
-- cluster drops it and creates the role in the new spelling.
DELETE FROM team_member t
 USING team_member n
 WHERE t.team = n.team
   AND lower(btrim(t.email)) = lower(btrim(n.email))
   AND t.email <> n.email
   AND (t.event_time, t.event_id, t.email) < (n.event_time, n.event_id, n.email);

UPDATE team_member SET email = lower(btrim(email)) WHERE email <> lower(btrim(email));
