{#- Every aggregate and rank works on exact values; only the output columns are rounded. -#}
{%- set digits = 4 -%}

with

movies as (
    select * from {{ ref('stg__movies') }}
),

movies_with_roi as (
    select * from movies
    where roi is not null
),

{#- distinct: a movie whose genres array repeats a name still counts once in that genre -#}
movie_genres as (
    select distinct
        cast(genre.value as varchar) as genre_name,
        movies_with_roi.movie_id,
        movies_with_roi.budget,
        movies_with_roi.revenue,
        movies_with_roi.profit,
        movies_with_roi.roi,
        movies_with_roi.popularity,
        movies_with_roi.vote_average,
        movies_with_roi.vote_count
    from movies_with_roi,
        {{ explode_array('movies_with_roi', 'genre_names', 'genre') }}
),

genre_totals as (
    select
        genre_name,
        count(*) as total_movies,
        {{ order_independent_avg('roi') }} as avg_roi,
        median(roi) as median_roi,
        min(roi) as min_roi,
        max(roi) as max_roi,
        sum(budget) as total_budget,
        sum(revenue) as total_revenue,
        sum(profit) as total_profit,
        {{ float_divide('sum(case when revenue > budget then 1 else 0 end)', 'count(*)') }} as pct_profitable,
        {{ order_independent_avg('popularity') }} as avg_popularity,
        {{ order_independent_avg('vote_average') }} as avg_vote_average,
        {{ order_independent_avg('vote_count') }} as avg_vote_count
    from movie_genres
    group by genre_name
    having count(*) >= {{ var('min_movies_per_genre') }}
),

genre_portfolios as (
    select
        *,
        {{ roi('total_revenue', 'total_budget') }} as portfolio_roi
    from genre_totals
),

ranked as (
    select
        *,
        rank() over (order by avg_roi desc nulls last) as roi_rank,
        rank() over (order by portfolio_roi desc nulls last) as portfolio_roi_rank,
        rank() over (order by median_roi desc nulls last) as median_roi_rank
    from genre_portfolios
),

final as (
    select
        genre_name,
        cast(total_movies as {{ dbt.type_bigint() }}) as total_movies,
        round(avg_roi, {{ digits }}) as avg_roi,
        round(median_roi, {{ digits }}) as median_roi,
        round(min_roi, {{ digits }}) as min_roi,
        round(max_roi, {{ digits }}) as max_roi,
        round(portfolio_roi, {{ digits }}) as portfolio_roi,
        cast(total_budget as {{ dbt.type_bigint() }}) as total_budget,
        cast(total_revenue as {{ dbt.type_bigint() }}) as total_revenue,
        cast(total_profit as {{ dbt.type_bigint() }}) as total_profit,
        round(avg_popularity, {{ digits }}) as avg_popularity,
        round(avg_vote_average, {{ digits }}) as avg_vote_average,
        round(avg_vote_count, {{ digits }}) as avg_vote_count,
        round(pct_profitable, {{ digits }}) as pct_profitable,
        cast(roi_rank as {{ dbt.type_bigint() }}) as roi_rank,
        cast(portfolio_roi_rank as {{ dbt.type_bigint() }}) as portfolio_roi_rank,
        cast(median_roi_rank as {{ dbt.type_bigint() }}) as median_roi_rank
    from ranked
)

select * from final
