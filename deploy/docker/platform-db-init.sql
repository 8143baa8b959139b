-- DEMO ONLY (docker compose): each service's own database and role.
CREATE ROLE access LOGIN PASSWORD 'access';
CREATE DATABASE access OWNER access;
-- access-gateway's read-only login (V19__gateway_reader_role.sql grants the group)
CREATE ROLE nais_access_gateway NOLOGIN;
CREATE ROLE access_gateway LOGIN PASSWORD 'access_gateway' IN ROLE nais_access_gateway;
CREATE ROLE dba_grant LOGIN PASSWORD 'dba_grant';
CREATE DATABASE dba_grant OWNER dba_grant;
CREATE ROLE backup LOGIN PASSWORD 'backup';
CREATE DATABASE backup OWNER backup;
CREATE ROLE console_sync LOGIN PASSWORD 'console_sync';
CREATE DATABASE console_sync OWNER console_sync;
