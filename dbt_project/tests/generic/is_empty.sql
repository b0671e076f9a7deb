{#-
    Fails with one row per row of the model (matching `where`, when given): as an error, an invariant
    written as a condition; with severity warn, a count of rows that are allowed but must be seen,
    e.g. the raw records a model left out. On a column, `where` usually names it.
-#}
{% test is_empty(model, column_name=none, where=none) %}

select * from {{ model }}
{%- if where %}
where {{ where }}
{%- endif %}

{% endtest %}
