#!/usr/bin/env bash
# `make bench`: a throw-away database, Odoo serving it with --workers=2, and
# tools/bench_intake.py against it. Prints figures; asserts nothing.
# db_name without dbfilter: webhook senders keep no session cookie, and with
# a dbfilter Odoo would list the server's databases on every request.
source "$(dirname "$0")/setup.sh"
prepare

CC_BENCH_DB=${CC_BENCH_DB:-cc_bench}
CC_BENCH_PORT=${CC_BENCH_PORT:-8269}
conf=$CC_STATE/odoo-bench.conf
# Odoo's cheapest durable write (tools/bench_floor), measured beside the intake.
FLOOR_MODULE=construction_bench_floor
CC_EXTRA_ADDONS=$CC_REPO/tools/bench_floor
write_config "$conf" "http_port = $CC_BENCH_PORT" "gevent_port = $((CC_BENCH_PORT + 3))" "workers = 2" \
    "max_cron_threads = ${CC_BENCH_CRON:-1}" "db_name = $CC_BENCH_DB" "log_level = ${CC_BENCH_LOG:-warn}" \
    "limit_time_cpu = 600" "limit_time_real = 1200"
template=$(ensure_template_db "$conf")
say "fresh database $CC_BENCH_DB with $MODULE"
clone_db "$template" "$CC_BENCH_DB"
odoo_bin -c "$conf" -d "$CC_BENCH_DB" -i "$MODULE,$FLOOR_MODULE" --stop-after-init --workers=0

say "serving $CC_BENCH_DB on port $CC_BENCH_PORT with 2 workers"
"$CC_PY" "$CC_ODOO_BIN" -c "$conf" -d "$CC_BENCH_DB" >"$CC_STATE/bench-server.log" 2>&1 &
server=$!
stop_server() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
}
trap stop_server EXIT
for _ in $(seq 60); do
    curl -sf -o /dev/null "http://localhost:$CC_BENCH_PORT/web/login" && break
    sleep 1
done
"$CC_PY" "$CC_REPO/tools/bench_intake.py" --url "http://localhost:$CC_BENCH_PORT" --db "$CC_BENCH_DB" "$@"
