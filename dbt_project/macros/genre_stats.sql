{#-
    What the genre marts share: one row per (genre, movie) of the movies with an ROI, and the
    distribution-free 95 % confidence interval of a median.

    genre_movie_rows(relation, columns): the body of a CTE with genre_name and `columns` of
    `relation`, one row per distinct (genre, row): a movie whose genres array repeats a name still
    counts once in that genre.
-#}
{% macro genre_movie_rows(relation, columns) -%}
    select distinct
        cast(genre.value as {{ dbt.type_string() }}) as genre_name,
        {%- for column in columns %}
        {{ relation }}.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation }},
        {{ explode_array(relation, 'genre_names', 'genre') }}
{%- endmacro %}

{#-
    The ranks of the 95 % confidence interval of a median of n values (1-based positions in the
    values sorted ascending): j = floor(n/2 - 0.98 sqrt(n)) and k = ceil(n/2 + 1 + 0.98 sqrt(n)),
    clamped to 1..n. This is the normal approximation to the binomial distribution of the number
    of values below the median (1.96 standard deviations of sqrt(n)/2 on each side), as given by
    Campbell & Gardner, "Calculating confidence intervals for some non-parametric analyses", BMJ
    1988;296:1454-6 (reprinted in Altman, Machin, Bryant & Gardner, "Statistics with Confidence",
    2nd ed., BMJ Books 2000). They round the ranks to the nearest integer; here they are rounded
    outwards (floor, ceil), which never narrows the interval: its coverage is at least about 95 %
    (e.g. n = 10 gives the 1st and 10th values, 99.8 % by the exact binomial). The interval needs no
    assumption about the distribution of the values, only that they are independent.
-#}
{% macro median_ci_lower_rank(n) -%}
    greatest(1, cast(floor({{ float_divide(n, 2) }} - 0.98 * sqrt({{ to_double(n) }})) as integer))
{%- endmacro %}

{% macro median_ci_upper_rank(n) -%}
    least({{ n }}, cast(ceil({{ float_divide(n, 2) }} + 1 + 0.98 * sqrt({{ to_double(n) }})) as integer))
{%- endmacro %}

{#- A value as a 64-bit float (DuckDB's FLOAT is 32-bit). -#}
{% macro to_double(value) -%}
    {{ return(adapter.dispatch('to_double')(value)) }}
{%- endmacro %}

{% macro duckdb__to_double(value) -%}
    cast({{ value }} as double)
{%- endmacro %}

{% macro snowflake__to_double(value) -%}
    cast({{ value }} as float)
{%- endmacro %}

{#-
    median_ci(relation, group_columns, value): the body of a CTE with group_columns plus
    <value>_ci_low and <value>_ci_high, the j-th and k-th smallest `value` of each group. Exact
    values; ties do not matter (equal values are interchangeable at a position).
-#}
{% macro median_ci(relation, group_columns, value) -%}
    {%- set groups = group_columns | join(', ') -%}
    select
        {{ groups }},
        max(case when value_position = {{ median_ci_lower_rank('group_size') }} then {{ value }} end) as {{ value }}_ci_low,
        max(case when value_position = {{ median_ci_upper_rank('group_size') }} then {{ value }} end) as {{ value }}_ci_high
    from (
        select
            {{ groups }},
            {{ value }},
            row_number() over (partition by {{ groups }} order by {{ value }}) as value_position,
            count(*) over (partition by {{ groups }}) as group_size
        from {{ relation }}
    ) as positioned
    group by {{ groups }}
{%- endmacro %}
