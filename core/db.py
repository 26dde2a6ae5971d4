"""Database expressions Django does not ship, for both databases Credo runs on."""

from django.db.models import Func, IntegerField, JSONField, Subquery


class JSONMerge(Func):
    """A JSON object with another's keys merged in, each given key replacing the stored one
    (PostgreSQL's `jsonb || jsonb`; SQLite's `json_patch`, the same for values that are not
    objects themselves). Lets one UPDATE add to a JSON column without reading it first."""

    arity = 2
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" || ", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_PATCH", **extra_context)


class SubqueryCount(Subquery):
    """The number of rows of a correlated queryset, as a column: `COUNT(*)` over the subquery.
    Unlike `Count` over a join it never multiplies or scans the other table's rows for every
    row of this one; with an index on the correlated columns it reads only the counted rows."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()

    def __init__(self, queryset, **extra) -> None:
        super().__init__(queryset.order_by().values("pk"), **extra)
