#!/usr/bin/env bash
# Runs dbt from the project's own virtual environment, against dbt_project/ and its
# profiles.yml (target `local` unless --target or DBT_TARGET says otherwise).
#   npm run dbt -- build
#   npm run dbt -- build --target snowflake
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/dbt-env.sh
source "$root/scripts/dbt-env.sh" main
mkdir -p "$TMDB_ROI_STATE_DIR"
exec "$venv/bin/dbt" "$@"
