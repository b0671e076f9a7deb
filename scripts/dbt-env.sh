# Sourced by scripts/dbt.sh and scripts/fakesnow-dbt.sh: the environment every dbt run of this
# project gets. Expects $root (the repository root); sets $venv to the virtual environment named by
# $1 (see scripts/python-env.sh).
venv="$(bash "$root/scripts/python-env.sh" "$1")"
export DBT_PROJECT_DIR="$root/dbt_project"
export DBT_PROFILES_DIR="$root/dbt_project"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export DBT_DO_NOT_TRACK=1
export TMDB_ROI_STATE_DIR="${TMDB_ROI_STATE_DIR:-$root/.local}"
