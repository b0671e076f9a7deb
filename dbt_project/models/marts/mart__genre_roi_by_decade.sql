{#- Every aggregate works on exact values; only the output columns are rounded. -#}
{%- set digits = 4 -%}

with

movies as (
    select * from {{ ref('stg__movies') }}
),

{#- The genre mart's rules (an ROI only for plausible figures); films without a release date have
    no decade and are left out (counted by a warning on stg__movies). -#}
movies_with_roi as (
    select
        *,
        release_year - mod(release_year, 10) as release_decade
    from movies
    where roi is not null
        and release_year is not null
),

movie_genres as (
    {{ genre_movie_rows('movies_with_roi', ['movie_id', 'release_decade', 'budget', 'revenue', 'roi']) }}
),

cells as (
    select
        genre_name,
        release_decade,
        count(*) as total_movies,
        median(roi) as median_roi,
        sum(budget) as total_budget,
        sum(revenue) as total_revenue,
        {{ float_divide('sum(case when revenue > budget then 1 else 0 end)', 'count(*)') }} as pct_profitable
    from movie_genres
    group by genre_name, release_decade
    having count(*) >= {{ var('min_movies_per_genre_decade') }}
),

final as (
    select
        genre_name,
        cast(release_decade as integer) as release_decade,
        cast(total_movies as {{ dbt.type_bigint() }}) as total_movies,
        round(median_roi, {{ digits }}) as median_roi,
        round({{ roi('total_revenue', 'total_budget') }}, {{ digits }}) as portfolio_roi,
        round(pct_profitable, {{ digits }}) as pct_profitable
    from cells
)

select * from final
