#!/usr/bin/env bash
# `make run`: a local database with the addon and its demo data, served on
# http://localhost:8069 with cron running.
source "$(dirname "$0")/setup.sh"
prepare

CC_RUN_DB=${CC_RUN_DB:-construction}
CC_HTTP_PORT=${CC_HTTP_PORT:-8069}
conf=$CC_STATE/odoo-run.conf
write_config "$conf" "http_port = $CC_HTTP_PORT" "max_cron_threads = 1" "db_name = $CC_RUN_DB"

if db_exists "$CC_RUN_DB"; then
    say "upgrading $MODULE in $CC_RUN_DB"
    odoo_bin -c "$conf" -d "$CC_RUN_DB" -u "$MODULE" --stop-after-init --log-level=warn
else
    template=$(ensure_template_db "$conf")
    say "database $CC_RUN_DB with $MODULE and demo data"
    clone_db "$template" "$CC_RUN_DB"
    odoo_bin -c "$conf" -d "$CC_RUN_DB" -i "$MODULE" --stop-after-init --log-level=warn
fi

cat <<MSG

  Odoo:   http://localhost:$CC_HTTP_PORT   (login admin / password admin)
  Demo webhook (demo-only secret, see README):
    $CC_PY $CC_REPO/tools/send_event.py --url http://localhost:$CC_HTTP_PORT --demo

MSG
# Odoo restarts itself (a cron thread over its time limit, say) by running
# plain `python` again: the virtualenv's must be the one found on PATH.
PATH=$CC_VENV/bin:$PATH exec "$CC_PY" "$CC_ODOO_BIN" -c "$conf" -d "$CC_RUN_DB"
