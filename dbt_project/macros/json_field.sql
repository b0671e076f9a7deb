{#-
    Reads one top-level key of a JSON record (DuckDB JSON, Snowflake VARIANT) as a typed SQL value.

    data_type is one of: text, integer, float, date, timestamp (date and timestamp treat an empty
    string as NULL; TMDB sends release_date "" when unknown). JSON null becomes SQL NULL. Casts are
    strict: a value of the wrong shape fails the query instead of silently turning into NULL.
-#}
{% macro json_field(column, key, data_type) -%}
    {{ return(adapter.dispatch('json_field')(column, key, data_type)) }}
{%- endmacro %}

{% macro _json_field_checked_type(data_type, types) -%}
    {%- if data_type not in types -%}
        {{ exceptions.raise_compiler_error(
            "json_field: unknown data_type '" ~ data_type ~ "'; expected one of " ~ (types.keys() | list | join(', '))
        ) }}
    {%- endif -%}
    {{ return(types[data_type]) }}
{%- endmacro %}

{% macro duckdb__json_field(column, key, data_type) -%}
    {%- set sql_type = _json_field_checked_type(data_type, {
        'text': 'varchar',
        'integer': 'bigint',
        'float': 'double',
        'date': 'date',
        'timestamp': 'timestamptz',
    }) -%}
    {#- ->> returns the value as text without JSON quotes (-> would keep them) -#}
    {%- set text -%} ({{ column }} ->> '$.{{ key }}') {%- endset -%}
    {%- if data_type == 'text' -%}
        {{ text }}
    {%- elif data_type in ('date', 'timestamp') -%}
        cast(nullif({{ text }}, '') as {{ sql_type }})
    {%- else -%}
        cast({{ text }} as {{ sql_type }})
    {%- endif -%}
{%- endmacro %}

{% macro snowflake__json_field(column, key, data_type) -%}
    {%- set sql_type = _json_field_checked_type(data_type, {
        'text': 'varchar',
        'integer': 'number(38, 0)',
        'float': 'float',
        'date': 'date',
        'timestamp': 'timestamp_tz',
    }) -%}
    {#- casting a VARIANT to varchar turns JSON null into SQL NULL; try_cast would reject VARIANT -#}
    {%- set text -%} cast({{ column }}['{{ key }}'] as varchar) {%- endset -%}
    {%- if data_type == 'text' -%}
        {{ text }}
    {%- elif data_type in ('date', 'timestamp') -%}
        cast(nullif({{ text }}, '') as {{ sql_type }})
    {%- else -%}
        cast({{ text }} as {{ sql_type }})
    {%- endif -%}
{%- endmacro %}
