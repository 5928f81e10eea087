#!/bin/bash
# Run (or sourced) once by the postgres image, on an empty data directory:
# creates the role Odoo connects with. It may create databases; it is not a
# superuser (the image's POSTGRES_USER is).
: "${WELFARE_DB_USER:?}" "${WELFARE_DB_PASSWORD:?}"
psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v role="$WELFARE_DB_USER" -v password="$WELFARE_DB_PASSWORD" <<'SQL'
CREATE ROLE :"role" LOGIN CREATEDB PASSWORD :'password';
SQL
