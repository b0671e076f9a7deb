#!/usr/bin/env bash
# Creates (or refreshes) a project-local Python virtual environment from a hash-locked
# requirements file, using the machine's own Python 3 (no interpreter downloads).
#
#   scripts/python-env.sh            -> .venv           from python/requirements.lock
#   scripts/python-env.sh fakesnow   -> .venv-fakesnow  from python/fakesnow.lock
#
# The environment is rebuilt only when its lock file changed. Prints the venv path last.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
env_name="${1:-main}"
if [[ "$env_name" == "main" ]]; then
  venv="$root/.venv"
  lock="$root/python/requirements.lock"
else
  venv="$root/.venv-$env_name"
  lock="$root/python/$env_name.lock"
fi
[[ -f "$lock" ]] || { echo "python-env: no lock file $lock" >&2; exit 2; }

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "python-env: '$python' not found; install Python 3.10-3.13 or set PYTHON=/path/to/python3" >&2
  exit 2
fi
if ! "$python" -c 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 13) else 1)'; then
  echo "python-env: $("$python" --version 2>&1) is not supported by dbt; need Python 3.10-3.13 (set PYTHON=...)" >&2
  exit 2
fi

stamp="$venv/.lock.sha256"
want="$(sha256sum "$lock" | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "$venv"
  exit 0
fi

echo "python-env: building $venv from ${lock#"$root"/} ..." >&2
rm -rf "$venv"
"$python" -m venv "$venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
"$venv/bin/python" -m pip install --quiet --require-hashes --no-deps --only-binary=:all: -r "$lock" >&2
echo "$want" >"$stamp"
echo "python-env: ready ($("$venv/bin/python" --version 2>&1))" >&2
echo "$venv"
