-- One person is one row whatever the case of their email (MembershipProjection
-- stores emails lower-cased from now on): fold rows that differ only in case,
-- keeping the newest fact per person, then lower-case what is left.
DELETE FROM team_member t
 USING team_member n
 WHERE t.team = n.team
   AND lower(t.email) = lower(n.email)
   AND t.email <> n.email
   AND (t.event_time, t.email) < (n.event_time, n.email);

UPDATE team_member SET email = lower(email) WHERE email <> lower(email);
