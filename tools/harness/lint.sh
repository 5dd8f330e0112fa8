#!/usr/bin/env bash
# `make lint`: ruff format and ruff check, through pre-commit's local hooks.
source "$(dirname "$0")/setup.sh"
check_odoo_tree
ensure_venv
cd "$CC_REPO"
PATH=$CC_VENV/bin:$PATH exec pre-commit run --all-files
