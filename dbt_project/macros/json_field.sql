{#-
    Reading top-level keys of a JSON record (DuckDB JSON, Snowflake VARIANT) as typed SQL values.

    json_text(column, key): the value as text, without JSON quotes; JSON null and a missing key
    give SQL NULL. Every typed read starts from this text (Snowflake's try_cast accepts text only,
    not VARIANT).

    json_field(column, key, data_type): data_type is one of text, integer, float, date, timestamp.
    The raw table is append-only history, so one malformed value must not fail the models forever:
    a value that does not have the type's shape, or does not fit the type, becomes NULL (try_cast),
    and the data test `json_field_castable` on the source counts those rows (nothing is lost
    silently). Shapes are checked before casting, identically in both engines, because a bare cast
    is too lenient: Snowflake reads an all-digit string such as "2024" as seconds since the epoch,
    and both engines round "90.5" into an integer.
      integer   up to 18 digits             e.g. 121 (fits both engines' 64-bit integers)
      float     a JSON number, exponent of at most 2 digits (no overflow to infinity)
      date      YYYY-MM-DD                  an empty string is NULL (TMDB's "unknown release date")
      timestamp YYYY-MM-DDThh:mm:ss[.f] with Z or a +hh:mm offset; an empty string is NULL
-#}
{% macro json_text(column, key) -%}
    {{ return(adapter.dispatch('json_text')(column, key)) }}
{%- endmacro %}

{% macro duckdb__json_text(column, key) -%}
    {#- ->> returns the value as text without JSON quotes (-> would keep them) -#}
    ({{ column }} ->> '$.{{ key }}')
{%- endmacro %}

{% macro snowflake__json_text(column, key) -%}
    {#- a VARIANT string casts to its text, other scalars to their JSON text, JSON null to NULL -#}
    cast({{ column }}['{{ key }}'] as varchar)
{%- endmacro %}

{#- The shape a value's text must have for each data_type (text accepts anything). -#}
{% macro json_field_patterns() -%}
    {{ return({
        'integer': '^-?[0-9]{1,18}$',
        'float': '^-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]{1,2})?$',
        'date': '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
        'timestamp': '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})$',
    }) }}
{%- endmacro %}

{#- data_types where an empty string means unknown (NULL), not malformed. -#}
{% macro json_field_empty_is_null(data_type) -%}
    {{ return(data_type in ('date', 'timestamp')) }}
{%- endmacro %}

{% macro json_field(column, key, data_type) -%}
    {%- set patterns = json_field_patterns() -%}
    {%- if data_type != 'text' and data_type not in patterns -%}
        {{ exceptions.raise_compiler_error(
            "json_field: unknown data_type '" ~ data_type ~ "'; expected text, " ~ (patterns.keys() | list | join(', '))
        ) }}
    {%- endif -%}
    {%- set text = json_text(column, key) -%}
    {%- if data_type == 'text' -%}
        {{ text }}
    {%- else -%}
        case
            when {{ regexp_full_match(text, patterns[data_type]) }}
                then try_cast({{ text }} as {{ json_field_sql_type(data_type) }})
        end
    {%- endif -%}
{%- endmacro %}

{#- The SQL type json_field returns for a data_type. -#}
{% macro json_field_sql_type(data_type) -%}
    {{ return(adapter.dispatch('json_field_sql_type')(data_type)) }}
{%- endmacro %}

{% macro duckdb__json_field_sql_type(data_type) -%}
    {{ return({
        'integer': 'bigint',
        'float': 'double',
        'date': 'date',
        'timestamp': 'timestamptz',
    }[data_type]) }}
{%- endmacro %}

{% macro snowflake__json_field_sql_type(data_type) -%}
    {{ return({
        'integer': 'number(38, 0)',
        'float': 'float',
        'date': 'date',
        'timestamp': 'timestamp_tz',
    }[data_type]) }}
{%- endmacro %}

{#- True when the whole of text matches the regular expression (NULL when text is NULL). -#}
{% macro regexp_full_match(text, pattern) -%}
    {{ return(adapter.dispatch('regexp_full_match')(text, pattern)) }}
{%- endmacro %}

{% macro duckdb__regexp_full_match(text, pattern) -%}
    regexp_full_match({{ text }}, '{{ pattern }}')
{%- endmacro %}

{% macro snowflake__regexp_full_match(text, pattern) -%}
    regexp_like({{ text }}, '{{ pattern }}')
{%- endmacro %}
