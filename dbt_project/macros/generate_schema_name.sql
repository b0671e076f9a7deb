{#-
    Models land in exactly the schema their folder names (staging, marts), without the target
    schema prefix dbt adds by default. On Snowflake the unquoted names resolve to STAGING and MARTS.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
