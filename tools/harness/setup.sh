#!/usr/bin/env bash
# Shared set-up for `make run` and `make test`: everything but the Odoo tree.
# Each step reuses what exists, so a second run costs seconds.
#
# Sourced, not executed. Inputs (all have defaults):
#   ODOO_SRC   Odoo 18.0 source tree (odoo/, addons/, requirements.txt)
#   CC_STATE   where the virtualenv, Odoo data dir and configs live
#   CC_PGDIR   the local PostgreSQL cluster's directory
#   CC_PGPORT  its TCP port on localhost
set -euo pipefail

ODOO_SRC=${ODOO_SRC:-/opt/odoo}
CC_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CC_STATE=${CC_STATE:-${XDG_CACHE_HOME:-$HOME/.cache}/construction_connector}
CC_PGDIR=${CC_PGDIR:-/var/tmp/construction_connector/pg15}
CC_PGPORT=${CC_PGPORT:-54329}
CC_PGBIN=${CC_PGBIN:-/usr/lib/postgresql/15/bin}
CC_VENV=$CC_STATE/venv
CC_PY=$CC_VENV/bin/python
CC_ODOO_BIN=$ODOO_SRC/odoo-bin
CC_DB_USER=odoo
MODULE=construction_connector

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

check_odoo_tree() {
    local release=$ODOO_SRC/odoo/release.py
    [ -f "$release" ] && [ -f "$CC_ODOO_BIN" ] && [ -f "$ODOO_SRC/requirements.txt" ] ||
        die "no Odoo tree at ODOO_SRC=$ODOO_SRC: expected odoo-bin, odoo/release.py and" \
            "requirements.txt (an Odoo 18.0 community checkout). Set ODOO_SRC to its path."
    grep -q "^version_info = (18, 0," "$release" ||
        die "the Odoo tree at $ODOO_SRC is not Odoo 18.0 ($(grep '^version_info' "$release"))"
    for addon in hr_timesheet purchase account maintenance; do
        [ -d "$ODOO_SRC/addons/$addon" ] || die "$ODOO_SRC/addons/$addon is missing: need the full community addons"
    done
}

# The virtualenv is rebuilt only when a requirements file or Python changes.
ensure_venv() {
    local reqs stamp
    reqs=$(mktemp)
    "$CC_REPO/tools/harness/odoo_requirements.sh" "$ODOO_SRC" >"$reqs"
    stamp=$(cat "$reqs" "$CC_REPO/requirements.txt" "$CC_REPO/requirements-test.txt" "$CC_REPO/tools/harness/setup.sh" |
        cat - <(python3 --version) | sha1sum | cut -c1-16)
    if [ "$(cat "$CC_VENV/.stamp" 2>/dev/null)" != "$stamp" ]; then
        say "virtualenv $CC_VENV (Odoo's requirements and ours)"
        mkdir -p "$CC_STATE"
        [ -x "$CC_PY" ] || python3 -m venv "$CC_VENV"
        # gevent 22 (Odoo's pin) still imports pkg_resources, gone from setuptools 81.
        "$CC_PY" -m pip install -q --disable-pip-version-check --upgrade pip wheel "setuptools<81"
        "$CC_PY" -m pip install -q --disable-pip-version-check -r "$reqs" \
            -r "$CC_REPO/requirements.txt" -r "$CC_REPO/requirements-test.txt" 2> >(grep -v "^WARNING: Location" >&2)
        echo "$stamp" >"$CC_VENV/.stamp"
    fi
    rm -f "$reqs"
}

# Odoo finds an addon by its directory name; the clone may be called anything.
ensure_addons_link() {
    mkdir -p "$CC_STATE/addons"
    ln -sfn "$CC_REPO" "$CC_STATE/addons/$MODULE"
}

as_pg_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

ensure_postgres() {
    if [ ! -f "$CC_PGDIR/PG_VERSION" ]; then
        say "PostgreSQL cluster in $CC_PGDIR (port $CC_PGPORT)"
        mkdir -p "$CC_PGDIR"
        [ "$(id -u)" = 0 ] && chown postgres: "$CC_PGDIR" "$(dirname "$CC_PGDIR")"
        as_pg_owner "$CC_PGBIN/initdb" -D "$CC_PGDIR" -U postgres --auth=trust -E UTF8 \
            --locale=C.UTF-8 >/dev/null
    fi
    if ! as_pg_owner "$CC_PGBIN/pg_ctl" -D "$CC_PGDIR" status >/dev/null 2>&1; then
        say "starting PostgreSQL on localhost:$CC_PGPORT"
        as_pg_owner "$CC_PGBIN/pg_ctl" -D "$CC_PGDIR" -l "$CC_PGDIR/server.log" -w start \
            -o "-p $CC_PGPORT -k $CC_PGDIR -c listen_addresses=localhost -c max_connections=200" >/dev/null
    fi
    psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname='$CC_DB_USER'" | grep -q 1 ||
        psql_admin -qc "CREATE ROLE $CC_DB_USER LOGIN CREATEDB PASSWORD '$CC_DB_USER'"
}

psql_admin() { PGOPTIONS="-c client_min_messages=warning" psql -h localhost -p "$CC_PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
psql_odoo() { PGOPTIONS="-c client_min_messages=warning" psql -h localhost -p "$CC_PGPORT" -U "$CC_DB_USER" -d postgres -v ON_ERROR_STOP=1 "$@"; }
db_exists() { psql_odoo -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1; }

# write_config FILE [extra lines...]
write_config() {
    local file=$1
    shift
    mkdir -p "$CC_STATE/data"
    {
        echo "[options]"
        echo "addons_path = $ODOO_SRC/odoo/addons,$ODOO_SRC/addons,$CC_STATE/addons${CC_EXTRA_ADDONS:+,$CC_EXTRA_ADDONS}"
        echo "data_dir = $CC_STATE/data"
        echo "db_host = localhost"
        echo "db_port = $CC_PGPORT"
        echo "db_user = $CC_DB_USER"
        echo "db_password = $CC_DB_USER"
        echo "admin_passwd = admin"
        echo "list_db = False"
        printf '%s\n' "$@"
    } >"$file"
}

odoo_bin() { "$CC_PY" "$CC_ODOO_BIN" "$@"; }

# A database with the addon's dependencies installed, kept as a template so
# that each test run starts from a copy in seconds instead of reinstalling
# account, purchase and friends. Keyed by the Odoo tree and the manifest.
ensure_template_db() {
    local conf=$1 key name
    key=$(cat "$ODOO_SRC/odoo/release.py" "$CC_REPO/__manifest__.py" <(ls -la --time-style=+%s "$ODOO_SRC/addons") |
        sha1sum | cut -c1-10)
    name=cc_template_$key
    if ! db_exists "$name"; then
        local deps
        deps=$("$CC_PY" -c "import ast,sys; print(','.join(ast.literal_eval(open(sys.argv[1]).read())['depends']))" \
            "$CC_REPO/__manifest__.py")
        say "template database $name with $deps (once per Odoo tree and dependency list)"
        odoo_bin -c "$conf" -d "$name.tmp" -i "$deps" --stop-after-init --log-level=warn \
            --max-cron-threads=0 || die "installing the dependencies into $name failed"
        psql_odoo -qc "ALTER DATABASE \"$name.tmp\" RENAME TO $name"
        cp -a "$CC_STATE/data/filestore/$name.tmp" "$CC_STATE/data/filestore/$name" 2>/dev/null || true
    fi
    echo "$name"
}

# clone_db TEMPLATE NAME: a fresh copy, filestore included.
clone_db() {
    psql_odoo -qc "DROP DATABASE IF EXISTS \"$2\" WITH (FORCE)"
    psql_odoo -qc "CREATE DATABASE \"$2\" TEMPLATE \"$1\""
    rm -rf "$CC_STATE/data/filestore/$2"
    if [ -d "$CC_STATE/data/filestore/$1" ]; then
        mkdir -p "$CC_STATE/data/filestore"
        cp -a "$CC_STATE/data/filestore/$1" "$CC_STATE/data/filestore/$2"
    fi
}

# The browser tests (Odoo tours, screenshots) need a headless Chromium.
ensure_chromium() {
    local bin
    for bin in chromium chromium-browser google-chrome google-chrome-stable; do
        command -v "$bin" >/dev/null && return 0
    done
    say "installing Debian's chromium for the browser tests"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo -n"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y --no-install-recommends chromium >/dev/null ||
        { $sudo apt-get update -qq && $sudo apt-get install -y --no-install-recommends chromium >/dev/null; } ||
        die "chromium is missing and could not be installed (apt-get install chromium)"
}

prepare() {
    check_odoo_tree
    ensure_venv
    ensure_addons_link
    ensure_postgres
}
