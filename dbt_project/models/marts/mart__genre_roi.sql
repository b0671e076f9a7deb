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

movie_genres as (
    {{ genre_movie_rows('movies_with_roi', [
        'movie_id', 'budget', 'revenue', 'profit', 'roi', 'popularity', 'vote_average', 'vote_count',
    ]) }}
),

median_intervals as (
    {{ median_ci('movie_genres', ['genre_name'], 'roi') }}
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
        genre_totals.*,
        median_intervals.roi_ci_low as median_roi_ci_low,
        median_intervals.roi_ci_high as median_roi_ci_high,
        {{ roi('genre_totals.total_revenue', 'genre_totals.total_budget') }} as portfolio_roi
    from genre_totals
    inner join median_intervals
        on genre_totals.genre_name = median_intervals.genre_name
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
        round(median_roi_ci_low, {{ digits }}) as median_roi_ci_low,
        round(median_roi_ci_high, {{ digits }}) as median_roi_ci_high,
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
