{#-
    Collects one text field of every object in a JSON array under a top-level key, e.g.
    json_array_field('record', 'genres', 'name') -> ['Adventure', 'Action'] (DuckDB VARCHAR[],
    Snowflake ARRAY). A missing or null array gives an empty array (DuckDB) or NULL (Snowflake);
    either way explode_array yields no rows for it.
-#}
{% macro json_array_field(column, array_key, field_key) -%}
    {{ return(adapter.dispatch('json_array_field')(column, array_key, field_key)) }}
{%- endmacro %}

{% macro duckdb__json_array_field(column, array_key, field_key) -%}
    json_extract_string({{ column }}, '$.{{ array_key }}[*].{{ field_key }}')
{%- endmacro %}

{% macro snowflake__json_array_field(column, array_key, field_key) -%}
    transform(cast({{ column }}['{{ array_key }}'] as array), array_element -> cast(array_element['{{ field_key }}'] as varchar))
{%- endmacro %}
