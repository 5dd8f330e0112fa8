#!/usr/bin/env bash
# Print Odoo's requirements.txt adapted to install from wheels on Python 3.11:
# psycopg2 -> psycopg2-binary, cbor2 5.6.2 (5.4.2 has no 3.11 wheel), and
# without python-ldap (LDAP login is not used; it needs system headers).
set -euo pipefail
sed -E \
    -e 's/^cbor2==5\.4\.2/cbor2==5.6.2/' \
    -e 's/^psycopg2==/psycopg2-binary==/' \
    -e '/^python-ldap==/d' \
    "$1/requirements.txt"
