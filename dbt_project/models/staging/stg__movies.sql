{%- set min_usd = var('min_plausible_usd') -%}

with

source as (
    select * from {{ source('raw', 'movies') }}
),

{#- Each field read and typed once (see macros/raw_movies.sql); malformed values are NULL here. -#}
parsed as (
    {{ parse_raw_movies('source') }}
),

{#- Records with a left_out issue (no usable id or extraction time, not an object, genres not an
    array) are listed by stg__raw_movie_issues instead; an earlier good record of the movie stays. -#}
renamed as (
    select
        movie_id,
        title,
        release_date,
        original_language,
        status,
        nullif(budget, 0) as budget,
        nullif(revenue, 0) as revenue,
        popularity,
        vote_average,
        vote_count,
        runtime_minutes,
        extracted_at,
        loaded_at,
        source_file,
        file_row_number,
        record
    from parsed
    where {{ raw_movie_is_usable() }}
),

latest as (
    select * from renamed
    qualify row_number() over (
        partition by movie_id
        order by
            extracted_at desc nulls last,
            loaded_at desc nulls last,
            source_file desc nulls last,
            file_row_number desc nulls last
    ) = 1
),

with_financials as (
    select
        *,
        case
            when budget is null then 'budget_unknown'
            when revenue is null then 'revenue_unknown'
            when budget < {{ min_usd }} and revenue < {{ min_usd }} then 'budget_and_revenue_implausible'
            when budget < {{ min_usd }} then 'budget_implausible'
            when revenue < {{ min_usd }} then 'revenue_implausible'
        end as roi_null_reason
    from latest
    where budget is not null or revenue is not null
),

movie_genres as (
    {{ json_array_field('with_financials', 'movie_id', 'record', 'genres', 'name', 'genre_names') }}
),

with_genres as (
    select
        with_financials.*,
        coalesce(movie_genres.genre_names, {{ empty_array() }}) as genre_names
    from with_financials
    left join movie_genres
        on with_financials.movie_id = movie_genres.movie_id
),

final as (
    select
        movie_id,
        title,
        release_date,
        cast(extract(year from release_date) as integer) as release_year,
        cast(extract(month from release_date) as integer) as release_month,
        original_language,
        status,
        budget,
        revenue,
        case when roi_null_reason is null then revenue - budget end as profit,
        case when roi_null_reason is null then {{ roi('revenue', 'budget') }} end as roi,
        roi_null_reason,
        popularity,
        vote_average,
        vote_count,
        runtime_minutes,
        genre_names,
        extracted_at,
        loaded_at,
        source_file,
        file_row_number
    from with_genres
)

select * from final
