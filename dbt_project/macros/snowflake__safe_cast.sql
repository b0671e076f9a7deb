{#-
    dbt casts unit-test fixture values with safe_cast. dbt-snowflake's version casts text straight
    to VARIANT, which makes '{"id": 1}' a JSON *string*, not an object (so record['id'] is NULL),
    and cannot turn text into ARRAY or OBJECT at all. Fixture text for semi-structured columns is
    JSON, so it is parsed here; other types keep Snowflake's try_cast from text.
-#}
{% macro snowflake__safe_cast(field, type) -%}
    {%- set base_type = type | upper | trim -%}
    {%- if base_type == 'VARIANT' -%}
        try_parse_json({{ field }})
    {%- elif base_type in ('ARRAY', 'OBJECT') or base_type.startswith('ARRAY(') or base_type.startswith('OBJECT(') -%}
        cast(try_parse_json({{ field }}) as {{ type }})
    {%- elif base_type in ('GEOGRAPHY', 'GEOMETRY') -%}
        try_to_{{ base_type | lower }}({{ field }})
    {%- else -%}
        try_cast({{ dbt.string_literal(field) if field is number else field }} as {{ type }})
    {%- endif -%}
{%- endmacro %}
