{#-
    Collects one text field of every object in a JSON array under a top-level key, e.g.
    json_array_field('record', 'genres', 'name') -> ['Adventure', 'Action'] (DuckDB VARCHAR[],
    Snowflake ARRAY), in the array's order. A missing, null or empty array gives an empty array.
-#}
{% macro json_array_field(column, array_key, field_key) -%}
    {{ return(adapter.dispatch('json_array_field')(column, array_key, field_key)) }}
{%- endmacro %}

{% macro duckdb__json_array_field(column, array_key, field_key) -%}
    json_extract_string({{ column }}, '$.{{ array_key }}[*].{{ field_key }}')
{%- endmacro %}

{% macro snowflake__json_array_field(column, array_key, field_key) -%}
    {#- a correlated aggregate without GROUP BY returns exactly one row, as Snowflake requires -#}
    coalesce(
        (
            select array_agg(cast(array_element.value['{{ field_key }}'] as varchar))
                within group (order by array_element.index)
            from table(flatten(input => {{ column }}['{{ array_key }}'])) as array_element
        ),
        array_construct()
    )
{%- endmacro %}
