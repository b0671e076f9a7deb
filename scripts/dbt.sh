#!/usr/bin/env bash
# Runs dbt from the project's own virtual environment, against dbt_project/ and its
# profiles.yml (target `local` unless --target or DBT_TARGET says otherwise).
#   npm run dbt -- build
#   npm run dbt -- build --target snowflake
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$(bash "$root/scripts/python-env.sh")"

export DBT_PROJECT_DIR="$root/dbt_project"
export DBT_PROFILES_DIR="$root/dbt_project"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export DBT_DO_NOT_TRACK=1
export TMDB_ROI_STATE_DIR="${TMDB_ROI_STATE_DIR:-$root/.local}"
mkdir -p "$TMDB_ROI_STATE_DIR"
exec "$venv/bin/dbt" "$@"
