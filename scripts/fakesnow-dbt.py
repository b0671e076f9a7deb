"""Runs the dbt project with dbt-snowflake against fakesnow, a DuckDB-backed Snowflake emulator.

fakesnow patches snowflake.connector.connect inside this process only, so dbt runs here, in the
same process, through dbtRunner. The raw table RAW.MOVIES is created as on Snowflake (VARIANT
record) and filled from an NDJSON file of raw rows; after dbt, the staging and mart relations are
exported as JSON for comparison with the DuckDB build.

    .venv-fakesnow/bin/python scripts/fakesnow-dbt.py --raw-rows rows.ndjson --export-dir out -- \
        build --target snowflake --vars '{min_movies_per_genre: 3}'

Each line of --raw-rows: {"record": "<details JSON text>", "source_file": "...",
"file_row_number": 1, "loaded_at": "2026-11-24T06:05:12Z"}. Needs the dbt `snowflake` target's
environment variables (any values: nothing leaves this process). Exits with dbt's exit code.
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import json
import os
import re
import sys
from pathlib import Path

import fakesnow
import fakesnow.cursor
import snowflake.connector


_TEMPORARY_TABLE = re.compile(r"\bcreate\s+or\s+replace\s+temporary\s+table\b", re.IGNORECASE)


def _allow_qualified_temporary_tables() -> None:
    """dbt-snowflake's unit tests create `temporary table DB.SCHEMA.NAME__dbt_tmp`; fakesnow (DuckDB)
    refuses qualified temporary tables ("TEMPORARY table names can *only* use the "temp" catalog"),
    so inside the emulator they become ordinary tables (dbt drops them afterwards)."""
    execute = fakesnow.cursor.FakeSnowflakeCursor.execute

    def patched(self, command, *args, **kwargs):
        if isinstance(command, str):
            command = _TEMPORARY_TABLE.sub("create or replace table", command)
        return execute(self, command, *args, **kwargs)

    fakesnow.cursor.FakeSnowflakeCursor.execute = patched


def _jsonable(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _load_raw(cursor, rows_file: Path) -> int:
    cursor.execute("create schema if not exists raw")
    cursor.execute(
        "create table if not exists raw.movies ("
        " record variant, source_file varchar, file_row_number number(38, 0), loaded_at timestamp_ltz)"
    )
    count = 0
    with rows_file.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                values = (row["record"], row["source_file"], int(row["file_row_number"]), row["loaded_at"])
            except (ValueError, KeyError, TypeError) as error:
                raise SystemExit(f"fakesnow-dbt: {rows_file}:{number}: not a raw row ({error})") from error
            cursor.execute(
                "insert into raw.movies (record, source_file, file_row_number, loaded_at)"
                " select parse_json(%s), %s, %s, to_timestamp_ltz(%s)",
                values,
            )
            count += 1
    return count


# The models exported after a successful build, for comparison with the DuckDB build.
EXPORTED_RELATIONS = (
    "staging.stg__movies",
    "staging.stg__raw_movie_issues",
    "marts.mart__genre_roi",
    "marts.mart__genre_roi_by_decade",
)


def _export(cursor, relation: str, target: Path) -> None:
    cursor.execute(f"select * from {relation}")
    names = [column[0].lower() for column in cursor.description]
    rows = [{name: _jsonable(value) for name, value in zip(names, row)} for row in cursor.fetchall()]
    target.write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")


def main(argv: list[str]) -> int:
    if "--" in argv:
        split = argv.index("--")
        own, dbt_args = argv[:split], argv[split + 1 :]
    else:
        own, dbt_args = argv, ["build", "--target", "snowflake"]
    parser = argparse.ArgumentParser(prog="fakesnow-dbt", description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw-rows", type=Path, help="NDJSON file of raw rows to load into RAW.MOVIES first")
    parser.add_argument("--export-dir", type=Path, help="folder to write <model>.json of every EXPORTED_RELATIONS model to")
    args = parser.parse_args(own)
    # fakesnow shares one DuckDB connection between all Snowflake connections; dbt's parallel
    # threads race on it (e.g. "Schema with name STAGING already exists"), so run one at a time.
    if not any(arg == "--threads" or arg.startswith("--threads=") for arg in dbt_args):
        dbt_args = [*dbt_args, "--threads", "1"]

    database = os.environ.get("SNOWFLAKE_DATABASE")
    if not database:
        raise SystemExit("fakesnow-dbt: set SNOWFLAKE_DATABASE (and the other SNOWFLAKE_* variables of the profile)")

    from dbt.cli.main import dbtRunner

    _allow_qualified_temporary_tables()
    with fakesnow.patch():
        connection = snowflake.connector.connect(database=database, schema="RAW")
        cursor = connection.cursor()
        if args.raw_rows:
            loaded = _load_raw(cursor, args.raw_rows)
            print(f"fakesnow-dbt: loaded {loaded} rows into {database}.RAW.MOVIES", file=sys.stderr)
        result = dbtRunner().invoke(dbt_args)
        if args.export_dir and result.success:
            args.export_dir.mkdir(parents=True, exist_ok=True)
            for relation in EXPORTED_RELATIONS:
                _export(cursor, relation, args.export_dir / f"{relation.split('.')[-1]}.json")
        connection.close()
    if result.exception is not None:
        print(f"fakesnow-dbt: dbt raised {result.exception!r}", file=sys.stderr)
        return 2
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
