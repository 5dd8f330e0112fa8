#!/usr/bin/env bash
# `make test`: a fresh throw-away database with the addon (and demo data),
# then the whole suite through pytest-odoo against it, over real HTTP.
source "$(dirname "$0")/setup.sh"
prepare
ensure_chromium

CC_TEST_DB=${CC_TEST_DB:-cc_test}
conf=$CC_STATE/odoo-test.conf
write_config "$conf" "max_cron_threads = 0" "log_level = warn"
template=$(ensure_template_db "$conf")

say "fresh database $CC_TEST_DB from $template, installing $MODULE"
clone_db "$template" "$CC_TEST_DB"
odoo_bin -c "$conf" -d "$CC_TEST_DB" -i "$MODULE" --stop-after-init || die "installing $MODULE failed"

say "running the test suite"
# pytest-odoo names test modules after the addon directory, so tests are
# collected through the link named construction_connector, paths included.
link=$CC_STATE/addons/$MODULE
args=()
for arg in "$@"; do
    if [[ "$arg" != -* && -e "$CC_REPO/${arg%%::*}" ]]; then arg=$link/$arg; fi
    args+=("$arg")
done
set -- "${args[@]}"
paths=("$link/tests")
for arg in "$@"; do [[ "$arg" == "$link"/* ]] && paths=(); done
cd "$link"
export CC_TEMPLATE_DB=$template CC_ODOO_CONF=$conf CC_PY CC_ODOO_BIN PYTHONPATH=$ODOO_SRC
set +e
"$CC_PY" -m pytest -p no:cacheprovider --odoo-config="$conf" --odoo-database="$CC_TEST_DB" --odoo-http \
    "${paths[@]}" "$@"
status=$?
set -e
# 5 means no test ran: that is a failure of the harness, not a pass.
[ "$status" = 5 ] && die "pytest collected no test"
exit "$status"
