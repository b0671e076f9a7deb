{#-
    Division in 64-bit floating point. Snowflake divides integers as NUMBER and keeps only a few
    decimals, DuckDB's FLOAT is 32-bit: both would make the engines disagree. NULL when the
    denominator is 0 or NULL.
-#}
{% macro float_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('float_divide')(numerator, denominator)) }}
{%- endmacro %}

{% macro duckdb__float_divide(numerator, denominator) -%}
    (cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0))
{%- endmacro %}

{% macro snowflake__float_divide(numerator, denominator) -%}
    (cast({{ numerator }} as float) / nullif(cast({{ denominator }} as float), 0))
{%- endmacro %}

{#-
    Return on investment, (revenue - budget) / budget, in floating point. The difference is taken
    on the integers (exact), only the division is floating point. Every ROI in the project,
    per movie and per genre portfolio, comes from this macro.
-#}
{% macro roi(revenue, budget) -%}
    {{ float_divide('(' ~ revenue ~ ') - (' ~ budget ~ ')', budget) }}
{%- endmacro %}

{#-
    Mean of a floating-point column that does not depend on the order rows reach the aggregate.
    A floating-point sum does (addition is not associative), so two genres holding exactly the
    same movies could get means differing in the last bit and different ranks. The values are
    summed in 18-decimal fixed point, which is exact in both engines, and divided once.
-#}
{% macro order_independent_avg(column) -%}
    {{ float_divide('sum(cast(' ~ column ~ ' as decimal(38, 18)))', 'count(' ~ column ~ ')') }}
{%- endmacro %}
