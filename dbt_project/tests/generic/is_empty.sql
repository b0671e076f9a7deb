{#-
    Fails with one row per row of the model (matching `where`, when given): use it with severity warn
    to count rows that are allowed but must be seen, e.g. the raw records a model left out.
-#}
{% test is_empty(model, where=none) %}

select * from {{ model }}
{%- if where %}
where {{ where }}
{%- endif %}

{% endtest %}
