{#-
    Fails (use severity warn) for every row whose JSON column holds a value under `key` that
    json_field cannot read as data_type: the raw text is present but the typed value is NULL, so a
    malformed value ("runtime": "90 min", "release_date": "2024", an integer too large for the
    type) is counted instead of silently becoming NULL in the models. With required=true, a missing
    key or JSON null fails too (e.g. a record without an id). For date and timestamp an empty
    string means unknown and passes, as in json_field.
-#}
{% test json_field_castable(model, column_name, key, data_type, required=false) %}

with

raw_texts as (
    select {{ json_text(column_name, key) }} as raw_text
    from {{ model }}
),

{#- typed from the extracted text, so each row's JSON is read once -#}
validation as (
    select
        raw_text,
        {{ json_field_from_text('raw_text', data_type) }} as typed_value
    from raw_texts
),

validation_errors as (
    select *
    from validation
    where
        typed_value is null
        {%- if not required %}
        and raw_text is not null
        {%- if json_field_empty_is_null(data_type) %}
        and raw_text <> ''
        {%- endif %}
        {%- endif %}
)

select * from validation_errors

{% endtest %}
