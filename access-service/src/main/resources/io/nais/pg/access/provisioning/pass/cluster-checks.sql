-- What access-service checks in every cluster besides the roles, as the cluster's admin: how people can
-- log in (pg_hba_file_rules), passwords people set on their own roles, and what a superuser could change
-- (the snapshot a DBA grant is compared with). Installed as pg_temp functions with human-roles.sql, and
-- like it: every function and catalog relation schema-qualified, every function with its own search_path,
-- identifiers through pg_catalog.format('%I').
--
-- Statements are separated by a line holding only '--;' (see ClusterRoles).

-- The pg_hba.conf rules in order, each with whether it can match a person (a member of nais_human):
-- user 'all', '+nais_human', '+nais_managed', a group some person belongs to, a person's own name, or an
-- '@file' list (not expanded here, so assumed to). Whether a rule lets a person in is decided in Java
-- (model.LoginPaths), which knows which methods and earlier reject lines count.
CREATE OR REPLACE FUNCTION pg_temp.nais_hba_rules()
RETURNS TABLE (line_number integer, conn_type text, databases text[], users text[], address text,
               auth_method text, matches_people boolean, error text)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $fn$
    WITH people AS (
        SELECT m.member FROM pg_catalog.pg_auth_members m
          JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
         WHERE g.rolname = 'nais_human')
    SELECT h.line_number, h.type, h.database, h.user_name,
           CASE WHEN h.address IS NULL THEN NULL
                WHEN h.netmask IS NULL THEN h.address
                ELSE h.address || '/' || h.netmask END,
           h.auth_method,
           EXISTS (SELECT FROM pg_catalog.unnest(h.user_name) AS u(name)
                    WHERE u.name IN ('all', '+nais_human', '+nais_managed')
                       OR pg_catalog.left(u.name, 1) = '@'
                       OR EXISTS (SELECT FROM people p JOIN pg_catalog.pg_roles r ON r.oid = p.member
                                   WHERE r.rolname = u.name)
                       OR (pg_catalog.left(u.name, 1) = '+' AND EXISTS (
                             SELECT FROM people p JOIN pg_catalog.pg_roles g
                                 ON g.rolname = pg_catalog.substr(u.name, 2)
                              WHERE pg_catalog.pg_has_role(p.member, g.oid, 'MEMBER')))),
           h.error
      FROM pg_catalog.pg_hba_file_rules h
     ORDER BY h.line_number
$fn$;
--;
-- Removes every password a person set on their own role (PostgreSQL lets any role ALTER ROLE
-- CURRENT_USER PASSWORD); returns the roles it cleared. Only managed members of nais_human.
CREATE OR REPLACE FUNCTION pg_temp.nais_clear_human_passwords()
RETURNS SETOF text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    who text;
BEGIN
    FOR who IN SELECT r.rolname FROM pg_catalog.pg_authid r
                 JOIN pg_catalog.pg_auth_members m ON m.member = r.oid
                 JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                WHERE g.rolname = 'nais_human' AND r.rolpassword IS NOT NULL
                  AND pg_temp.nais_is_managed(r.rolname) LOOP
        EXECUTE pg_catalog.format('ALTER ROLE %I PASSWORD NULL', who);
        RETURN NEXT who;
    END LOOP;
END
$fn$;
--;
-- What a superuser could change, one row per object (roles, per-role settings, memberships, pg_hba rules,
-- configuration-file settings incl. ALTER SYSTEM's, event triggers, extensions, SECURITY DEFINER functions,
-- untrusted languages): kind, name, a description safe to report, and a
-- digest of what must not be reported (a role's password verifier, a setting's value, a function's
-- body), so a change is seen without the value. The platform's own roles (members of nais_managed)
-- are left out: the reconciler converges them.
CREATE OR REPLACE FUNCTION pg_temp.nais_cluster_state()
RETURNS TABLE (kind text, name text, detail text, digest text)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $fn$
    WITH managed AS (
        SELECT m.member AS oid FROM pg_catalog.pg_auth_members m
          JOIN pg_catalog.pg_roles g ON g.oid = m.roleid WHERE g.rolname = 'nais_managed')
    SELECT 'role', r.rolname::text,
           pg_catalog.concat_ws(' ',
               CASE WHEN r.rolcanlogin THEN 'LOGIN' ELSE 'NOLOGIN' END,
               CASE WHEN r.rolsuper THEN 'SUPERUSER' END, CASE WHEN r.rolcreaterole THEN 'CREATEROLE' END,
               CASE WHEN r.rolcreatedb THEN 'CREATEDB' END, CASE WHEN r.rolreplication THEN 'REPLICATION' END,
               CASE WHEN r.rolbypassrls THEN 'BYPASSRLS' END,
               CASE WHEN r.rolvaliduntil IS NOT NULL THEN 'VALID UNTIL ' || r.rolvaliduntil::text END),
           pg_catalog.md5(COALESCE(r.rolpassword, ''))
      FROM pg_catalog.pg_authid r
     WHERE r.rolname !~ '^pg_' AND r.oid NOT IN (SELECT oid FROM managed)
       AND r.rolname NOT IN ('nais_managed', 'nais_human')
    UNION ALL
    SELECT 'role setting', COALESCE(r.rolname::text, 'every role') || ' in ' || COALESCE(d.datname::text, 'every database'),
           '', pg_catalog.md5(pg_catalog.array_to_string(s.setconfig, ','))
      FROM pg_catalog.pg_db_role_setting s
      LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole
      LEFT JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase
     WHERE s.setrole NOT IN (SELECT oid FROM managed)
    UNION ALL
    SELECT 'membership', r.rolname || ' in ' || g.rolname,
           CASE WHEN m.admin_option THEN 'WITH ADMIN OPTION' ELSE '' END, ''
      FROM pg_catalog.pg_auth_members m
      JOIN pg_catalog.pg_roles r ON r.oid = m.member
      JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
     WHERE m.member NOT IN (SELECT oid FROM managed)
    UNION ALL
    SELECT 'hba rule', pg_catalog.concat_ws(' ', h.type, pg_catalog.array_to_string(h.database, ','),
               pg_catalog.array_to_string(h.user_name, ','),
               CASE WHEN h.netmask IS NULL THEN h.address ELSE h.address || '/' || h.netmask END,
               h.auth_method, pg_catalog.array_to_string(h.options, ' ')),
           'line ' || h.line_number, ''
      FROM pg_catalog.pg_hba_file_rules h WHERE h.error IS NULL
    UNION ALL
    SELECT 'setting', f.name || ' (' || pg_catalog.regexp_replace(f.sourcefile, '^.*/', '') || ')',
           '', pg_catalog.md5(COALESCE(f.setting, ''))
      FROM pg_catalog.pg_file_settings f WHERE f.name IS NOT NULL
    UNION ALL
    SELECT 'event trigger', e.evtname::text,
           e.evtevent || ' ' || e.evtfoid::regprocedure::text || ' enabled ' || e.evtenabled::text, ''
      FROM pg_catalog.pg_event_trigger e
    UNION ALL
    SELECT 'extension', x.extname::text, 'version ' || x.extversion, ''
      FROM pg_catalog.pg_extension x
    UNION ALL
    SELECT 'security definer function', p.oid::regprocedure::text,
           'owner ' || pg_catalog.pg_get_userbyid(p.proowner), pg_catalog.md5(COALESCE(p.prosrc, ''))
      FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
     WHERE p.prosecdef AND n.nspname !~ '^pg_temp_' AND n.nspname !~ '^pg_toast_temp_'
    UNION ALL
    SELECT 'untrusted language', l.lanname::text, 'owner ' || pg_catalog.pg_get_userbyid(l.lanowner), ''
      FROM pg_catalog.pg_language l WHERE l.lanispl AND NOT l.lanpltrusted
$fn$;
--;
-- Sets NOLOGIN on each role that can still log in and ends its sessions; returns the roles it changed.
-- Never a managed role (the reconciler owns those) and never the session's own role (the admin).
CREATE OR REPLACE FUNCTION pg_temp.nais_disable_logins(role_names text[])
RETURNS SETOF text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    who text;
    disabled text[] := '{}';
BEGIN
    FOR who IN SELECT r.rolname FROM pg_catalog.pg_roles r
                WHERE r.rolname = ANY (role_names) AND r.rolcanlogin AND r.rolname <> current_user
                  AND NOT pg_temp.nais_is_managed(r.rolname) LOOP
        EXECUTE pg_catalog.format('ALTER ROLE %I NOLOGIN', who);
        disabled := disabled || who;
        RETURN NEXT who;
    END LOOP;
    PERFORM pg_catalog.pg_terminate_backend(a.pid) FROM pg_catalog.pg_stat_activity a
      WHERE a.usename = ANY (disabled) AND a.pid <> pg_catalog.pg_backend_pid();
END
$fn$;
