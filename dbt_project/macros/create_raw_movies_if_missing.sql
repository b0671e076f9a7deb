{#-
    on-run-start hook. The local warehouse (DuckDB) has no stack that creates the raw table, so
    the first run creates raw.movies empty, with the same columns the Snowflake pipe fills.
    On Snowflake the stack owns RAW.MOVIES and this renders nothing.
-#}
{% macro create_raw_movies_if_missing() -%}
    {{ return(adapter.dispatch('create_raw_movies_if_missing')()) }}
{%- endmacro %}

{% macro default__create_raw_movies_if_missing() -%}
{%- endmacro %}

{% macro duckdb__create_raw_movies_if_missing() -%}
    create schema if not exists raw;
    create table if not exists raw.movies (
        record json,
        source_file varchar,
        file_row_number bigint,
        loaded_at timestamptz
    )
{%- endmacro %}
