{%- set min_usd = var('min_plausible_usd') -%}

with

source as (
    select * from {{ source('raw', 'movies') }}
),

{#- Each key's text is extracted once; the typed columns below are read from it. -#}
texts as (
    {{ json_text_columns('source', 'record', [
        'id', 'title', 'release_date', 'original_language', 'status', 'budget', 'revenue',
        'popularity', 'vote_average', 'vote_count', 'runtime', '_extracted_at',
    ]) }}
),

renamed as (
    select
        {{ json_field_from_text('id_text', 'integer') }} as movie_id,
        {{ json_field_from_text('title_text', 'text') }} as title,
        {{ json_field_from_text('release_date_text', 'date') }} as release_date,
        {{ json_field_from_text('original_language_text', 'text') }} as original_language,
        {{ json_field_from_text('status_text', 'text') }} as status,
        nullif({{ json_field_from_text('budget_text', 'integer') }}, 0) as budget,
        nullif({{ json_field_from_text('revenue_text', 'integer') }}, 0) as revenue,
        {{ json_field_from_text('popularity_text', 'float') }} as popularity,
        {{ json_field_from_text('vote_average_text', 'float') }} as vote_average,
        {{ json_field_from_text('vote_count_text', 'integer') }} as vote_count,
        {{ json_field_from_text('runtime_text', 'integer') }} as runtime_minutes,
        {{ json_field_from_text('_extracted_at_text', 'timestamp') }} as extracted_at,
        loaded_at,
        source_file,
        file_row_number,
        record
    from texts
),

{#- A record without a usable id cannot be attributed to a movie; the source's data test
    json_field_castable on `id` counts such rows. -#}
latest as (
    select * from renamed
    where movie_id is not null
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
