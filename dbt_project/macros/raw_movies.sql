{#-
    The raw record rules, in one place: which fields of a raw TMDB record the models read, with what
    type and range; which records are usable; and every issue a record can have. stg__movies keeps
    the usable records, stg__raw_movie_issues lists every issue with the record's file and line, so
    one malformed record can never fail the build and nothing is lost silently.

    raw_movie_fields(): the typed fields. A value that does not have its type's shape or lies outside
    [min, max] becomes NULL (json_field_from_text's shape checks, then the range) and is listed as an
    issue; the record is kept.
-#}
{% macro raw_movie_fields() -%}
    {{ return([
        {'key': 'id', 'column': 'movie_id', 'type': 'integer', 'min': 1},
        {'key': 'title', 'column': 'title', 'type': 'text'},
        {'key': 'release_date', 'column': 'release_date', 'type': 'date'},
        {'key': 'original_language', 'column': 'original_language', 'type': 'text'},
        {'key': 'status', 'column': 'status', 'type': 'text'},
        {'key': 'budget', 'column': 'budget', 'type': 'integer', 'min': 0},
        {'key': 'revenue', 'column': 'revenue', 'type': 'integer', 'min': 0},
        {'key': 'popularity', 'column': 'popularity', 'type': 'float', 'min': 0},
        {'key': 'vote_average', 'column': 'vote_average', 'type': 'float', 'min': 0, 'max': 10},
        {'key': 'vote_count', 'column': 'vote_count', 'type': 'integer', 'min': 0},
        {'key': 'runtime', 'column': 'runtime_minutes', 'type': 'integer', 'min': 0},
        {'key': '_extracted_at', 'column': 'extracted_at', 'type': 'timestamp'},
    ]) }}
{%- endmacro %}

{#-
    parse_raw_movies(relation): the body of a CTE with every column of `relation` (the raw table)
    plus each field's text (<key>_text), its typed value before the range check (<column>__typed)
    and after it (the field's column), and record_kind and genres_kind (json_kind of the record and
    of its genres). Each value's text is extracted once and shape-checked once.
-#}
{% macro parse_raw_movies(relation) -%}
    {%- set fields = raw_movie_fields() -%}
    select
        *,
        {%- for field in fields %}
        {{ raw_movie_in_range(field) }} as {{ field.column }},
        {%- endfor %}
        {{ json_kind('record') }} as record_kind,
        {{ json_kind('record', 'genres') }} as genres_kind
    from (
        select
            *,
            {%- for field in fields %}
            {{ json_field_from_text(field.key ~ '_text', field.type) }} as {{ field.column }}__typed{{ ',' if not loop.last }}
            {%- endfor %}
        from (
            {{ json_text_columns(relation, 'record', fields | map(attribute='key') | list) }}
        ) as texts
    ) as typed
{%- endmacro %}

{#- A field's typed value within its range, else NULL. -#}
{% macro raw_movie_in_range(field) -%}
    {%- set value = field.column ~ '__typed' -%}
    {%- set bounds = [] -%}
    {%- if field.min is defined %}{% do bounds.append(value ~ ' >= ' ~ field.min) %}{% endif -%}
    {%- if field.max is defined %}{% do bounds.append(value ~ ' <= ' ~ field.max) %}{% endif -%}
    {%- if bounds -%}
        case when {{ bounds | join(' and ') }} then {{ value }} end
    {%- else -%}
        {{ value }}
    {%- endif -%}
{%- endmacro %}

{#-
    raw_movie_checks(): every issue a raw record can have, as (issue, field, action, condition) over
    parse_raw_movies' columns. `left_out` issues make the record unusable: stg__movies leaves it out
    (an earlier good record of the same movie stays the latest). `value_set_to_null` issues keep the
    record with that field NULL; `kept_without_genres` keeps it in no genre.
-#}
{% macro raw_movie_checks() -%}
    {%- set record_json = json_value_text('record') -%}
    {%- set genres_json = json_value_text('record', 'genres') -%}
    {%- set checks = [
        {'issue': 'record_not_an_object', 'field': none, 'action': 'left_out',
         'condition': "coalesce(record_kind, 'null') <> 'object'", 'value': record_json},
        {'issue': 'missing', 'field': 'id', 'action': 'left_out',
         'condition': "record_kind = 'object' and id_text is null", 'value': 'id_text'},
        {'issue': 'invalid', 'field': 'id', 'action': 'left_out',
         'condition': "id_text is not null and movie_id is null", 'value': 'id_text'},
        {'issue': 'missing', 'field': '_extracted_at', 'action': 'left_out',
         'condition': "record_kind = 'object' and nullif(_extracted_at_text, '') is null",
         'value': '_extracted_at_text'},
        {'issue': 'invalid', 'field': '_extracted_at', 'action': 'left_out',
         'condition': "nullif(_extracted_at_text, '') is not null and extracted_at is null",
         'value': '_extracted_at_text'},
        {'issue': 'not_an_array', 'field': 'genres', 'action': 'left_out',
         'condition': "genres_kind not in ('array', 'null')", 'value': genres_json},
        {'issue': 'missing', 'field': 'genres', 'action': 'kept_without_genres',
         'condition': "record_kind = 'object' and coalesce(genres_kind, 'null') = 'null'",
         'value': genres_json},
    ] -%}
    {%- for field in raw_movie_fields() if field.type != 'text' and field.key not in ('id', '_extracted_at') -%}
        {%- set present = field.key ~ "_text is not null" ~ (" and " ~ field.key ~ "_text <> ''" if json_field_empty_is_null(field.type) else "") -%}
        {%- do checks.append({
            'issue': 'invalid', 'field': field.key, 'action': 'value_set_to_null',
            'condition': present ~ " and " ~ field.column ~ " is null", 'value': field.key ~ '_text',
        }) -%}
    {%- endfor -%}
    {{ return(checks) }}
{%- endmacro %}

{#- True for a record stg__movies can use: none of its issues leaves it out. -#}
{% macro raw_movie_is_usable() -%}
    not (
        {%- for check in raw_movie_checks() if check.action == 'left_out' %}
        coalesce({{ check.condition }}, false){{ ' or' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{#-
    raw_movie_issues(parsed): the body of a CTE with one row per issue of a parsed raw record: the
    record's file, line and load time, its movie id when readable, the field, the issue, what the
    models did about it, and the offending value's text (at most 200 characters). One scan of the
    parsed records, joined with the list of checks.
-#}
{% macro raw_movie_issues(parsed) -%}
    {%- set checks = raw_movie_checks() -%}
    select
        {{ parsed }}.source_file,
        {{ parsed }}.file_row_number,
        {{ parsed }}.loaded_at,
        {{ parsed }}.movie_id,
        nullif(checks.field, '') as field,
        checks.issue,
        checks.action,
        left(
            case checks.check_number
                {%- for check in checks %}
                when {{ loop.index }} then {{ check.value }}
                {%- endfor %}
            end,
            200
        ) as raw_value
    from {{ parsed }}
    cross join (
        values
            {%- for check in checks %}
            ({{ loop.index }}, '{{ check.field or '' }}', '{{ check.issue }}', '{{ check.action }}'){{ ',' if not loop.last }}
            {%- endfor %}
    ) as checks (check_number, field, issue, action)
    where
        case checks.check_number
            {%- for check in checks %}
            when {{ loop.index }} then {{ check.condition }}
            {%- endfor %}
        end
{%- endmacro %}
