{#-
    Reading top-level keys of a JSON record (DuckDB JSON, Snowflake VARIANT) as typed SQL values.

    json_text(column, key): the value as text, without JSON quotes; JSON null and a missing key
    give SQL NULL. Every typed read starts from this text (Snowflake's try_cast accepts text only,
    not VARIANT).

    json_field(column, key, data_type): data_type is one of text, integer, float, date, timestamp.
    The raw table is append-only history, so one malformed value must not fail the models forever:
    a value that does not have the type's shape, or does not fit the type, becomes NULL (try_cast),
    and the view stg__raw_movie_issues lists each such value (action value_set_to_null), which the
    warning test raw_values_set_to_null counts (nothing is lost silently). Shapes are checked before casting, identically in both engines, because a bare cast
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
    {{ return(json_field_from_text(json_text(column, key), data_type)) }}
{%- endmacro %}

{#-
    json_field_from_text(text, data_type): the typed value of a JSON value's text as json_text
    returns it (same shape checks and NULLs as json_field). Lets a model or test read each key's
    text once (json_text_columns) and type it from there, instead of extracting it again for the
    shape check and for the cast.
-#}
{% macro json_field_from_text(text, data_type) -%}
    {%- set patterns = json_field_patterns() -%}
    {%- if data_type != 'text' and data_type not in patterns -%}
        {{ exceptions.raise_compiler_error(
            "json_field: unknown data_type '" ~ data_type ~ "'; expected text, " ~ (patterns.keys() | list | join(', '))
        ) }}
    {%- endif -%}
    {%- if data_type == 'text' -%}
        {{ text }}
    {%- else -%}
        case
            when {{ regexp_full_match(text, patterns[data_type]) }}
                then try_cast({{ text }} as {{ json_field_sql_type(data_type) }})
        end
    {%- endif -%}
{%- endmacro %}

{#-
    json_text_columns(relation, column, keys): the body of a CTE with every column of `relation`
    plus, for each key, `<key>_text` = json_text(column, key). DuckDB parses a JSON document anew
    for every extraction, so there all keys are extracted in one pass over the document
    (json_extract_string with a list of paths); Snowflake's VARIANT is already parsed.

        texts as (
            {{ json_text_columns('source', 'record', ['id', 'budget']) }}
        )
-#}
{% macro json_text_columns(relation, column, keys) -%}
    {{ return(adapter.dispatch('json_text_columns')(relation, column, keys)) }}
{%- endmacro %}

{% macro duckdb__json_text_columns(relation, column, keys) -%}
    select
        {%- for key in keys %}
        json_texts[{{ loop.index }}] as {{ key }}_text,
        {%- endfor %}
        * exclude (json_texts)
    from (
        select
            *,
            json_extract_string({{ column }}, [
                {%- for key in keys %}'$.{{ key }}'{{ ', ' if not loop.last }}{% endfor -%}
            ]) as json_texts
        from {{ relation }}
    )
{%- endmacro %}

{% macro snowflake__json_text_columns(relation, column, keys) -%}
    select
        {%- for key in keys %}
        {{ json_text(column, key) }} as {{ key }}_text,
        {%- endfor %}
        *
    from {{ relation }}
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

{#-
    json_kind(column, key=none): what the JSON value under `key` (or the whole value) is: 'object',
    'array', 'string', 'number', 'boolean' or 'null' (JSON null); SQL NULL when the key is missing.
-#}
{% macro json_kind(column, key=none) -%}
    {{ return(adapter.dispatch('json_kind')(column, key)) }}
{%- endmacro %}

{% macro duckdb__json_kind(column, key) -%}
    case json_type({{ column }}{{ ", '$." ~ key ~ "'" if key }})
        when 'OBJECT' then 'object'
        when 'ARRAY' then 'array'
        when 'VARCHAR' then 'string'
        when 'BOOLEAN' then 'boolean'
        when 'NULL' then 'null'
        when 'BIGINT' then 'number'
        when 'UBIGINT' then 'number'
        when 'DOUBLE' then 'number'
    end
{%- endmacro %}

{#- Snowflake: TYPEOF is not emulated by fakesnow, so the kind is read off the value's JSON text. -#}
{% macro snowflake__json_kind(column, key) -%}
    {%- set first = "left(to_json(" ~ column ~ ("['" ~ key ~ "']" if key else "") ~ "), 1)" -%}
    case
        when {{ first }} = '{' then 'object'
        when {{ first }} = '[' then 'array'
        when {{ first }} = '"' then 'string'
        when {{ first }} in ('t', 'f') then 'boolean'
        when {{ first }} = 'n' then 'null'
        when {{ first }} is not null then 'number'
    end
{%- endmacro %}

{#- json_value_text(column, key=none): the JSON text of the value under `key` (or of the whole value). -#}
{% macro json_value_text(column, key=none) -%}
    {{ return(adapter.dispatch('json_value_text')(column, key)) }}
{%- endmacro %}

{#- Minified, as Snowflake's TO_JSON writes it. -#}
{% macro duckdb__json_value_text(column, key) -%}
    cast(json_extract({{ column }}, '{{ '$.' ~ key if key else '$' }}') as varchar)
{%- endmacro %}

{% macro snowflake__json_value_text(column, key) -%}
    to_json({{ column }}{{ "['" ~ key ~ "']" if key }})
{%- endmacro %}
