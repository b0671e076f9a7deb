with

source as (
    select * from {{ source('raw', 'movies') }}
),

parsed as (
    {{ parse_raw_movies('source') }}
),

{#- One row per issue of a raw record; the rules live in macros/raw_movies.sql. -#}
issues as (
    {{ raw_movie_issues('parsed') }}
)

select * from issues
