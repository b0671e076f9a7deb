{#-
    A from-clause item joined laterally (after a comma) that gives one row per element of an array
    column; the element is <element_alias>.value. Rows whose array is empty (or NULL) produce no
    row, in both engines. Use it right after the relation it explodes:
        from movies,
            {{ explode_array('movies', 'genre_names', 'genre') }}
-#}
{% macro explode_array(relation_alias, array_column, element_alias) -%}
    {{ return(adapter.dispatch('explode_array')(relation_alias, array_column, element_alias)) }}
{%- endmacro %}

{% macro duckdb__explode_array(relation_alias, array_column, element_alias) -%}
    unnest({{ relation_alias }}.{{ array_column }}) as {{ element_alias }}(value)
{%- endmacro %}

{% macro snowflake__explode_array(relation_alias, array_column, element_alias) -%}
    lateral flatten(input => {{ relation_alias }}.{{ array_column }}) as {{ element_alias }}
{%- endmacro %}
