{#-
    Fails for every row whose column lies outside [min_value, max_value] (bounds exclusive when
    inclusive is false). Either bound may be omitted; NULLs pass (pair it with not_null).
    Arguments match dbt_utils.accepted_range, so a project can switch between the two.
-#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    {%- if min_value is none and max_value is none -%}
        {{ exceptions.raise_compiler_error("accepted_range on " ~ column_name ~ ": give min_value, max_value or both") }}
    {%- endif -%}
    {%- set operator = '=' if inclusive else '' -%}

with

validation as (
    select {{ column_name }} as checked_value
    from {{ model }}
),

validation_errors as (
    select *
    from validation
    where
        1 = 2
        {%- if min_value is not none %}
        or not checked_value >{{ operator }} {{ min_value }}
        {%- endif %}
        {%- if max_value is not none %}
        or not checked_value <{{ operator }} {{ max_value }}
        {%- endif %}
)

select * from validation_errors

{% endtest %}
