{#-
    json_array_field(relation, key_column, json_column, array_key, field_key, values_column):
    the body of a CTE with one row per row of `relation` that has a non-empty array: key_column,
    and values_column holding one text field of every object in the JSON array under array_key, in
    the array's order (DuckDB VARCHAR[], Snowflake ARRAY). Objects without the field are skipped.
    Rows whose array is missing, null or empty may be absent: left-join the result and coalesce
    with empty_array(). `relation` must be unique on key_column.

        genres as (
            {{ json_array_field('latest', 'movie_id', 'record', 'genres', 'name', 'genre_names') }}
        )

    On Snowflake the array is exploded with LATERAL FLATTEN and aggregated per key with GROUP BY.
    (A correlated scalar subquery over FLATTEN of the outer row's column would be shorter, but
    Snowflake does not support subqueries correlated inside FLATTEN.)
-#}
{% macro json_array_field(relation, key_column, json_column, array_key, field_key, values_column) -%}
    {{ return(adapter.dispatch('json_array_field')(relation, key_column, json_column, array_key, field_key, values_column)) }}
{%- endmacro %}

{% macro duckdb__json_array_field(relation, key_column, json_column, array_key, field_key, values_column) -%}
    select
        {{ key_column }},
        json_extract_string({{ json_column }}, '$.{{ array_key }}[*].{{ field_key }}') as {{ values_column }}
    from {{ relation }}
{%- endmacro %}

{% macro snowflake__json_array_field(relation, key_column, json_column, array_key, field_key, values_column) -%}
    select
        {{ relation }}.{{ key_column }},
        array_agg(cast(array_element.value['{{ field_key }}'] as varchar))
            within group (order by array_element.index) as {{ values_column }}
    from {{ relation }},
        lateral flatten(input => {{ relation }}.{{ json_column }}['{{ array_key }}']) as array_element
    group by {{ relation }}.{{ key_column }}
{%- endmacro %}

{#- An empty array of text: the value json_array_field's rows stand for when they are absent. -#}
{% macro empty_array() -%}
    {{ return(adapter.dispatch('empty_array')()) }}
{%- endmacro %}

{% macro duckdb__empty_array() -%}
    cast([] as varchar[])
{%- endmacro %}

{% macro snowflake__empty_array() -%}
    array_construct()
{%- endmacro %}
