-- Role SQL run by access-service in every cluster, as the cluster's admin.
--
-- The functions live in pg_temp: they exist only for the admin session that
-- installs them, so the platform leaves no objects of its own in the
-- application's database beyond its marked roles. Every identifier goes through
-- format('%I'); values through format('%L'). Only roles that are members of
-- nais_managed are ever altered or dropped.
--
-- Statements are separated by a line holding only '--;' (see ClusterRoles).
--
-- Nothing here trusts the search path (issue 18): a team owns schema public of
-- its database and can create there a function or operator whose argument types
-- match a call more exactly than pg_catalog's (public.format(text, text) beats
-- pg_catalog.format(text, VARIADIC "any")), which the admin, a superuser, would
-- then run. So:
--   * every function call is schema-qualified (pg_catalog.format, pg_temp.…),
--     and every catalog relation too (pg_catalog.pg_roles, …);
--   * every function below has SET search_path = pg_catalog, pg_temp;
--   * the admin session itself starts with search_path = pg_catalog, pg_temp
--     (service-kit ClusterAdminConnections, set in the startup packet).
-- Operators (=, <>, ||, = ANY) are left unqualified: with that search path they
-- resolve in pg_catalog only, because pg_temp is never searched for functions
-- or operators, and no other schema is on the path.

-- The marker role, the group roles and their privileges. Three groups, all marked:
--   nais_human        every person's login role, of either level: the group the clusters' pg_hba admits
--                     only on the gateway's certificate line. It holds no privilege at all.
--   nais_human_write  DML on the application's tables (a person's own role, <email>).
--   nais_human_read   SELECT only (a person's read-only role, <email>/ro).
-- Returns nothing; raises 55000 when one of these names exists but we did not create it, so we never
-- take over somebody else's role.
CREATE OR REPLACE FUNCTION pg_temp.nais_ensure_groups(app_role text, app_schemas text[])
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    s text;
    g text;
    upgrading boolean;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'nais_managed') THEN
        BEGIN
            CREATE ROLE nais_managed NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- another replica created it a moment ago
        END;
    END IF;
    -- A cluster provisioned before access levels has nais_human holding DML and no nais_human_write.
    upgrading := EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'nais_human')
                 AND NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'nais_human_write');
    FOREACH g IN ARRAY ARRAY['nais_human', 'nais_human_write', 'nais_human_read'] LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = g) THEN
            BEGIN
                EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN IN ROLE nais_managed', g);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
        IF NOT pg_temp.nais_is_managed(g) THEN
            RAISE EXCEPTION 'role % exists but is not managed by the platform', g
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        -- A group never logs in, never owns anything and holds no role but the marker.
        EXECUTE pg_catalog.format('ALTER ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', g);
    END LOOP;
    IF upgrading THEN
        -- Every person's role of before is a write role: it keeps write, in this same statement, before the
        -- privileges leave nais_human below (the pass then patches each role to its exact shape).
        FOR s IN SELECT r.rolname FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.member
                 JOIN pg_catalog.pg_roles g2 ON g2.oid = m.roleid
                 WHERE g2.rolname = 'nais_human' AND pg_temp.nais_is_managed(r.rolname) LOOP
            EXECUTE pg_catalog.format('GRANT nais_human_write TO %I', s);
        END LOOP;
    END IF;

    -- Before PG15, PUBLIC may CREATE in schema public. Keep the application's
    -- own right to it explicitly, then take it from everybody else.
    IF EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'public')
       AND pg_catalog.has_schema_privilege('public', 'public', 'CREATE') THEN
        EXECUTE pg_catalog.format('GRANT CREATE ON SCHEMA public TO %I', app_role);
        REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    END IF;
    EXECUTE pg_catalog.format('REVOKE CREATE ON DATABASE %I FROM PUBLIC', pg_catalog.current_database());

    -- Tables and sequences the application creates later, in any schema; the
    -- schemas the humans may enter are fixed by USAGE below. nais_human gets nothing
    -- (revoked: before access levels it held what nais_human_write holds now).
    EXECUTE pg_catalog.format('ALTER DEFAULT PRIVILEGES FOR ROLE %I REVOKE ALL ON TABLES FROM nais_human', app_role);
    EXECUTE pg_catalog.format('ALTER DEFAULT PRIVILEGES FOR ROLE %I REVOKE ALL ON SEQUENCES FROM nais_human', app_role);
    EXECUTE pg_catalog.format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO nais_human_write', app_role);
    EXECUTE pg_catalog.format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO nais_human_write', app_role);
    EXECUTE pg_catalog.format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON TABLES TO nais_human_read', app_role);
    -- SELECT on a sequence reads it (currval, last_value); USAGE would let nextval advance it.
    EXECUTE pg_catalog.format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT ON SEQUENCES TO nais_human_read', app_role);

    FOREACH s IN ARRAY app_schemas LOOP
        CONTINUE WHEN NOT EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = s); -- not migrated yet; the resync covers it
        EXECUTE pg_catalog.format('REVOKE ALL ON SCHEMA %I FROM nais_human', s);
        EXECUTE pg_catalog.format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM nais_human', s);
        EXECUTE pg_catalog.format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM nais_human', s);

        EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO nais_human_write, nais_human_read', s);
        EXECUTE pg_catalog.format('REVOKE CREATE ON SCHEMA %I FROM nais_human_write, nais_human_read', s);

        EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO nais_human_write', s);
        EXECUTE pg_catalog.format('REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA %I FROM nais_human_write', s);
        EXECUTE pg_catalog.format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO nais_human_write', s);

        EXECUTE pg_catalog.format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO nais_human_read', s);
        EXECUTE pg_catalog.format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA %I FROM nais_human_read', s);
        EXECUTE pg_catalog.format('GRANT SELECT ON ALL SEQUENCES IN SCHEMA %I TO nais_human_read', s);
        EXECUTE pg_catalog.format('REVOKE USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA %I FROM nais_human_read', s);

        EXECUTE pg_catalog.format('REVOKE GRANT OPTION FOR ALL ON ALL TABLES IN SCHEMA %I FROM nais_human_write, nais_human_read', s);
        EXECUTE pg_catalog.format('REVOKE GRANT OPTION FOR ALL ON ALL SEQUENCES IN SCHEMA %I FROM nais_human_write, nais_human_read', s);
    END LOOP;
END
$fn$;
--;
-- Whether a role carries the platform's managed-by mark (direct membership).
CREATE OR REPLACE FUNCTION pg_temp.nais_is_managed(role_name text)
RETURNS boolean LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $fn$
    SELECT EXISTS (
        SELECT FROM pg_catalog.pg_auth_members m
        JOIN pg_catalog.pg_roles r ON r.oid = m.member
        JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
        WHERE r.rolname = role_name AND g.rolname = 'nais_managed')
$fn$;
--;
-- The actual state of the named roles, and with all_managed of every human
-- role the platform manages in the cluster (for the full resync). A person's
-- level group (nais_human_write or nais_human_read) is in other_memberships.
CREATE OR REPLACE FUNCTION pg_temp.nais_human_roles(role_names text[], all_managed boolean)
RETURNS TABLE (role_name text, managed boolean, can_login boolean, inherits boolean,
               elevated boolean, has_password boolean, in_group boolean,
               other_memberships text[], settings text[], superuser boolean)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $fn$
    SELECT r.rolname::text,
           pg_temp.nais_is_managed(r.rolname),
           r.rolcanlogin,
           r.rolinherit,
           r.rolsuper OR r.rolcreatedb OR r.rolcreaterole OR r.rolreplication OR r.rolbypassrls,
           r.rolpassword IS NOT NULL,
           EXISTS (SELECT FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                   WHERE m.member = r.oid AND g.rolname = 'nais_human'),
           ARRAY(SELECT g.rolname::text FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                 WHERE m.member = r.oid AND g.rolname NOT IN ('nais_managed', 'nais_human')
                 ORDER BY 1),
           COALESCE((SELECT s.setconfig FROM pg_catalog.pg_db_role_setting s
                     WHERE s.setrole = r.oid AND s.setdatabase = 0), '{}'),
           r.rolsuper
    FROM pg_catalog.pg_authid r
    WHERE r.rolname NOT IN ('nais_managed', 'nais_human', 'nais_human_write', 'nais_human_read')
      AND (r.rolname = ANY (role_names) OR (all_managed AND pg_temp.nais_is_managed(r.rolname)))
$fn$;
--;
-- Brings a managed human role to the desired shape: LOGIN, INHERIT (needed to
-- use the group's privileges), nothing elevated, no password, member of the
-- marker, nais_human and its level group (level_group) only, exactly the given per-role settings. SUPERUSER
-- only while a DBA grant is active (superuser). Returns whether this demoted
-- a superuser: the caller then ends the role's sessions with
-- nais_end_sessions, after this statement committed (ended before the commit,
-- a session could log in again while the role is still a superuser).
CREATE OR REPLACE FUNCTION pg_temp.nais_patch_human(role_name text, setting_names text[], setting_values text[],
                                                    superuser boolean, level_group text)
RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    other text;
    was_superuser boolean;
BEGIN
    IF NOT pg_temp.nais_is_managed(role_name) THEN
        RAISE EXCEPTION 'role is not managed by the platform'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT r.rolsuper INTO was_superuser FROM pg_catalog.pg_roles r WHERE r.rolname = role_name;
    EXECUTE pg_catalog.format('ALTER ROLE %I LOGIN INHERIT %s NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD NULL',
                   role_name, CASE WHEN superuser THEN 'SUPERUSER' ELSE 'NOSUPERUSER' END);

    IF level_group NOT IN ('nais_human_write', 'nais_human_read') THEN
        RAISE EXCEPTION 'not a level group' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.member JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                   WHERE r.rolname = role_name AND g.rolname = 'nais_human') THEN
        EXECUTE pg_catalog.format('GRANT nais_human TO %I', role_name);
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.member JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                   WHERE r.rolname = role_name AND g.rolname = level_group) THEN
        EXECUTE pg_catalog.format('GRANT %I TO %I', level_group, role_name);
    END IF;
    -- anything else goes, the other level group too: a read-only role never keeps write
    FOR other IN SELECT g.rolname FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.member
                 JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                 WHERE r.rolname = role_name AND g.rolname NOT IN ('nais_managed', 'nais_human', level_group) LOOP
        EXECUTE pg_catalog.format('REVOKE %I FROM %I', other, role_name);
    END LOOP;
    EXECUTE pg_catalog.format('ALTER ROLE %I RESET ALL', role_name);
    FOR i IN 1 .. coalesce(pg_catalog.array_length(setting_names, 1), 0) LOOP
        EXECUTE pg_catalog.format('ALTER ROLE %I SET %I = %L', role_name, setting_names[i], setting_values[i]);
    END LOOP;
    RETURN coalesce(was_superuser, false) AND NOT superuser;
END
$fn$;
--;
-- Creates a human role; returns CREATED, or PATCHED when it already existed
-- (42710: another replica, or a resync racing an event) and is ours.
CREATE OR REPLACE FUNCTION pg_temp.nais_create_human(role_name text, setting_names text[], setting_values text[],
                                                     superuser boolean, level_group text)
RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    IF level_group NOT IN ('nais_human_write', 'nais_human_read') THEN
        RAISE EXCEPTION 'not a level group' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    BEGIN
        EXECUTE pg_catalog.format('CREATE ROLE %I LOGIN INHERIT %s NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS IN ROLE nais_managed, nais_human, %I',
                       role_name, CASE WHEN superuser THEN 'SUPERUSER' ELSE 'NOSUPERUSER' END, level_group);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
        PERFORM pg_temp.nais_patch_human(role_name, setting_names, setting_values, superuser, level_group);
        RETURN 'PATCHED';
    END;
    FOR i IN 1 .. coalesce(pg_catalog.array_length(setting_names, 1), 0) LOOP
        EXECUTE pg_catalog.format('ALTER ROLE %I SET %I = %L', role_name, setting_names[i], setting_values[i]);
    END LOOP;
    RETURN 'CREATED';
END
$fn$;
--;
-- Creates many human roles in one statement, each exactly as nais_create_human
-- (same guards, same 42710 fallback to a patch): a pass that adds dozens of
-- members pays one round trip, not one per role. superusers[i] and level_groups[i]
-- go with role_names[i]; the settings are the same for all. One row per role.
CREATE OR REPLACE FUNCTION pg_temp.nais_create_humans(role_names text[], setting_names text[],
                                                      setting_values text[], superusers boolean[],
                                                      level_groups text[])
RETURNS TABLE (role_name text, outcome text) LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    FOR i IN 1 .. coalesce(pg_catalog.array_length(role_names, 1), 0) LOOP
        role_name := role_names[i];
        outcome := pg_temp.nais_create_human(role_names[i], setting_names, setting_values, superusers[i],
                                             level_groups[i]);
        RETURN NEXT;
    END LOOP;
END
$fn$;
--;
-- Ends every open session of the roles, in one statement: after a demotion or
-- a removal committed (a session that slipped in before the commit ends too).
CREATE OR REPLACE FUNCTION pg_temp.nais_end_sessions(role_names text[])
RETURNS void LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $fn$
    SELECT pg_catalog.pg_terminate_backend(a.pid) FROM pg_catalog.pg_stat_activity a
     WHERE a.usename = ANY (role_names) AND a.pid <> pg_catalog.pg_backend_pid();
$fn$;
--;
-- Takes managed human roles away, all in one statement: no new logins first,
-- then one pg_terminate_backend for all their open sessions, then drop each.
-- When objects depend on a role (2BP01) it stays, as NOLOGIN and outside the
-- groups, and the detail says why. One row per role: DROPPED, DEACTIVATED,
-- UNMANAGED (not ours: untouched) or ABSENT.
CREATE OR REPLACE FUNCTION pg_temp.nais_remove_humans(role_names text[])
RETURNS TABLE (role_name text, outcome text, detail text) LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    who text;
    g text;
    ours text[] := '{}';
BEGIN
    FOREACH who IN ARRAY role_names LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = who) THEN
            role_name := who; outcome := 'ABSENT'; detail := NULL;
            RETURN NEXT;
        ELSIF NOT pg_temp.nais_is_managed(who) THEN
            role_name := who; outcome := 'UNMANAGED'; detail := NULL;
            RETURN NEXT;
        ELSE
            -- NOSUPERUSER too: a DBA whose grant ended may own objects, and the role
            -- that stays behind (2BP01 below) must keep no power at all.
            EXECUTE pg_catalog.format('ALTER ROLE %I NOLOGIN NOSUPERUSER', who);
            ours := pg_catalog.array_append(ours, who);
        END IF;
    END LOOP;
    PERFORM pg_catalog.pg_terminate_backend(a.pid) FROM pg_catalog.pg_stat_activity a
      WHERE a.usename = ANY (ours) AND a.pid <> pg_catalog.pg_backend_pid();
    FOREACH who IN ARRAY ours LOOP
        role_name := who; detail := NULL;
        BEGIN
            EXECUTE pg_catalog.format('DROP ROLE %I', who);
            outcome := 'DROPPED';
        EXCEPTION WHEN dependent_objects_still_exist THEN
            GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
            FOR g IN SELECT gr.rolname FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.member
                     JOIN pg_catalog.pg_roles gr ON gr.oid = m.roleid
                     WHERE r.rolname = who AND gr.rolname IN ('nais_human', 'nais_human_write', 'nais_human_read') LOOP
                EXECUTE pg_catalog.format('REVOKE %I FROM %I', g, who);
            END LOOP;
            outcome := 'DEACTIVATED';
        END;
        RETURN NEXT;
    END LOOP;
END
$fn$;
