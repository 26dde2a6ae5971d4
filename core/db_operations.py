"""Migration operations for indexes on large tables that leave SQLite (`make run`, `make test`)
as it was. A migration using them sets `atomic = False` (PostgreSQL builds an index
concurrently only outside a transaction). And the staff groups data migrations create."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations


class _ConcurrentlyOnPostgreSQL(migrations.operations.base.Operation):
    """PostgreSQL runs the concurrent operation; elsewhere `plain`, the ordinary one."""

    plain: type[migrations.operations.base.Operation]

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return self.plain.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return self.plain.database_backwards(self, app_label, schema_editor, from_state, to_state)


class AddIndexOnline(_ConcurrentlyOnPostgreSQL, AddIndexConcurrently):
    """AddIndex that PostgreSQL builds without locking writes (CREATE INDEX CONCURRENTLY, so a
    deploy does not stop registrations while a table of millions is indexed); elsewhere a plain
    AddIndex. The migration state is AddIndex's: `makemigrations` sees the model's Meta.indexes."""

    plain = migrations.AddIndex


class RemoveIndexOnline(_ConcurrentlyOnPostgreSQL, RemoveIndexConcurrently):
    """RemoveIndex that PostgreSQL drops without locking writes; elsewhere a plain RemoveIndex."""

    plain = migrations.RemoveIndex


def _on_postgresql(create: list[str], drop: list[str]) -> migrations.RunPython:
    """Statements run on PostgreSQL only (SQLite, for `make run` and `make test`, goes without)."""

    def run(statements: list[str]):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for statement in statements:
                    schema_editor.execute(statement)

        return apply

    return migrations.RunPython(run(create), run(drop), elidable=False)


def trigram_indexes(table: str, columns: tuple[str, ...]) -> migrations.RunPython:
    """GIN trigram indexes on UPPER(column), the expression Django's `icontains` compares on
    PostgreSQL, so the admin's searches ("ana@", "Nguy") use an index instead of reading every
    row. PostgreSQL only (pg_trgm is a trusted extension: the database owner may create it)."""
    return _on_postgresql(
        [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            *(
                f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{table}_{column}_trgm" '
                f'ON "{table}" USING gin (UPPER("{column}"::text) gin_trgm_ops)'
                for column in columns
            ),
        ],
        [f'DROP INDEX CONCURRENTLY IF EXISTS "{table}_{column}_trgm"' for column in columns],
    )


def partial_index(table: str, name: str, columns: str, where: str) -> migrations.RunPython:
    """A partial index on another app's table (one whose model this project cannot give a
    Meta.indexes, such as allauth's), for a filter value that few rows have: the admin's list
    of them reads those rows in order instead of the whole table. PostgreSQL only, built
    concurrently; `columns` and `where` are SQL written in the migration, never user input."""
    return _on_postgresql(
        [f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{table}" ({columns}) WHERE {where}'],
        [f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"'],
    )


def group_with_permissions(apps, name: str, permissions: list[tuple[str, str]]) -> None:
    """A data migration's staff group (Instructors, Program staff) holding these (app label,
    codename) permissions, created first where a fresh database has none yet."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=name)
    Permission = apps.get_model("auth", "Permission")
    for app_label, codename in permissions:
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission:
            group.permissions.add(permission)
