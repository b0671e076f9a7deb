#!/usr/bin/env bash
# Runs dbt with dbt-snowflake against fakesnow (a DuckDB-backed Snowflake emulator), in its own
# virtual environment (.venv-fakesnow: fakesnow pins a different DuckDB line than the main one).
# Nothing leaves the machine: the SNOWFLAKE_* variables only need to be set, any value works.
#   bash scripts/fakesnow-dbt.sh --raw-rows rows.ndjson --export-dir out -- \
#     build --target snowflake --exclude-resource-type unit_test
# See scripts/fakesnow-dbt.py for the options.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/dbt-env.sh
source "$root/scripts/dbt-env.sh" fakesnow
export SNOWFLAKE_ACCOUNT="${SNOWFLAKE_ACCOUNT:-fakesnow-local}"
export SNOWFLAKE_USER="${SNOWFLAKE_USER:-TMDB_ROI_FAKESNOW_DBT}"
export SNOWFLAKE_ROLE="${SNOWFLAKE_ROLE:-TMDB_ROI_FAKESNOW_TRANSFORMER}"
export SNOWFLAKE_WAREHOUSE="${SNOWFLAKE_WAREHOUSE:-TMDB_ROI_FAKESNOW_WH}"
export SNOWFLAKE_DATABASE="${SNOWFLAKE_DATABASE:-TMDB_ROI_FAKESNOW}"
# fakesnow accepts any credentials; never hand it a real key.
unset SNOWFLAKE_PRIVATE_KEY SNOWFLAKE_PRIVATE_KEY_PATH SNOWFLAKE_PRIVATE_KEY_PASSPHRASE
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::UserWarning}"
exec "$venv/bin/python" "$root/scripts/fakesnow-dbt.py" "$@"
