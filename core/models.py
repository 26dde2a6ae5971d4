"""What keeps the page cache true without anyone remembering to: every model a cached page can
show inherits `CachedModel`, says whose pages show it (`cache_scope`), and renews those pages
on every write path, signals or not (docs/decisions/0013):

- `save()` and `m2m` changes: the post_save and m2m_changed receivers (config/invalidation.py);
- `QuerySet.update()`, `bulk_create()`, `bulk_update()`: `CachedQuerySet` (Django sends no
  signal for them);
- `delete()` of an instance or a queryset, with everything it cascades to (fast deletes
  included) and every row it sets to NULL: the rows are collected once more before the
  delete, so no `post_delete` receiver is needed and Django's fast delete stays on.

An app that keeps something else derived from a model's rows (the published calendar feed) asks
to hear of its writes with `on_write(model, callback)`: the same paths call it.

Abstract only: `core` holds no tables."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import ClassVar, cast

from django.contrib.auth.base_user import BaseUserManager
from django.db import models, router
from django.db.models.constants import OnConflict
from django.db.models.deletion import Collector

from . import page_cache


@dataclass(frozen=True)
class CacheScope:
    """Whose pages show a model's rows: `kind` is "person" (the person named by `owner`),
    "links" (that person's share links), "catalogue" (everyone's: what staff edit) or "none"
    (shown on no cached page). Writes of only `quiet` fields renew nothing (an answer saved as
    it is given, a link's open count)."""

    kind: str
    owner: str = ""
    quiet: frozenset[str] = field(default_factory=frozenset)

    def of_instance(self, instance) -> set[str]:
        if self.kind == "catalogue":
            return {page_cache.CONTENT}
        if self.kind == "none":
            return set()
        return self.of_owners([getattr(instance, self.owner)])

    def of_rows(self, rows: Iterable) -> set[str]:
        """For a queryset (one query, for person and links scopes) or a list of instances."""
        if self.kind == "catalogue":
            return {page_cache.CONTENT}
        if self.kind == "none":
            return set()
        if isinstance(rows, models.QuerySet):
            return self.of_owners(rows.order_by().values_list(self.owner, flat=True).distinct())
        return self.of_owners(getattr(row, self.owner) for row in rows)

    def is_quiet(self, fields: Iterable[str] | None) -> bool:
        return bool(self.quiet) and fields is not None and set(fields) <= self.quiet

    def of_owners(self, owners: Iterable) -> set[str]:
        scope = page_cache.person if self.kind == "person" else page_cache.links
        return {scope(owner) for owner in owners if owner}


CATALOGUE = CacheScope("catalogue")
NOT_SHOWN = CacheScope("none")


def owned_by(owner: str, *, quiet: Iterable[str] = ()) -> CacheScope:
    return CacheScope("person", owner, frozenset(quiet))


def links_of(owner: str, *, quiet: Iterable[str] = ()) -> CacheScope:
    return CacheScope("links", owner, frozenset(quiet))


def scope_of(model) -> CacheScope:
    return getattr(model, "cache_scope", CATALOGUE)


_on_write: dict[type[models.Model], list[Callable[[], None]]] = {}


def on_write(model: type[models.Model], callback: Callable[[], None]) -> None:
    """Call `callback` (no arguments) after any write to `model`'s rows: a save, a bulk write,
    a delete, or a cascade or SET_NULL from another model's delete. Quiet writes are not writes."""
    _on_write.setdefault(model, []).append(callback)


def written(models_written: Iterable[type[models.Model]]) -> None:
    """Tell the `on_write` callbacks of these models, each callback once."""
    for callback in dict.fromkeys(c for model in models_written for c in _on_write.get(model, ())):
        callback()


def deleted_scopes(objs, *, using: str) -> tuple[set[str], set[type[models.Model]]]:
    """The scopes a delete of `objs` (a queryset or a list) changes, and the models whose rows it
    deletes or sets to NULL, cascades included: collected as Django's delete will collect them
    (the same SELECTs, read only)."""
    collector = Collector(using=using, origin=None)
    collector.collect(objs)
    scopes: set[str] = set()
    touched: set[type[models.Model]] = set()
    for model, instances in collector.data.items():
        scopes |= scope_of(model).of_rows(instances)
        touched.add(model)
    for rows in collector.fast_deletes:
        scopes |= scope_of(rows.model).of_rows(rows)
        touched.add(rows.model)
    for (updated_field, _value), batches in collector.field_updates.items():
        for batch in batches:  # a queryset or a list of rows (typed as a row in django-stubs)
            scopes |= scope_of(updated_field.model).of_rows(cast(Iterable, batch))
            touched.add(updated_field.model)
    return scopes, touched


class CachedQuerySet(models.QuerySet):
    """Renews the cached pages showing the rows it writes in bulk."""

    def update(self, **kwargs):
        rule = scope_of(self.model)
        if rule.is_quiet(kwargs):
            return super().update(**kwargs)
        before = rule.of_rows(self)
        rows = super().update(**kwargs)
        if rows:
            given = kwargs.get(rule.owner, kwargs.get(rule.owner.removesuffix("_id"))) if rule.owner else None
            after = (
                rule.of_owners([getattr(given, "pk", given)])
                if isinstance(given, (int, models.Model))
                else set()
            )
            page_cache.changed(*before, *after)  # `after`: rows given to someone else
            written([self.model])
        return rows

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        page_cache.changed(*scope_of(self.model).of_rows(created))
        if created:
            written([self.model])
        return created

    bulk_create.alters_data = True  # type: ignore[attr-defined]

    def create_if_absent(self, **values):
        """The row created from `values`, or None where a unique constraint says it is there
        already: one statement (INSERT ... ON CONFLICT DO NOTHING RETURNING), where catching
        create()'s IntegrityError takes a savepoint and two more round trips (decision 0029).
        Renews pages like a save; sends no post_save (no receiver of ours needs one)."""
        obj = self.model(**values)
        self._prepare_for_bulk_create([obj])  # type: ignore[attr-defined]  # as bulk_create does
        opts = self.model._meta
        auto_pk = obj.pk is None  # the database numbers it
        given = [f for f in opts.concrete_fields if not f.generated and not (f.primary_key and auto_pk)]
        returning = opts.db_returning_fields
        rows = self._insert(  # type: ignore[attr-defined]  # the insert that save() and bulk_create use
            [obj], given, returning_fields=returning, on_conflict=OnConflict.IGNORE
        )
        if not rows or rows[0] is None:
            return None
        for value, returned in zip(rows[0], returning, strict=True):
            setattr(obj, returned.attname, value)
        obj._state.adding, obj._state.db = False, self.db
        page_cache.changed(*scope_of(self.model).of_instance(obj))
        written([self.model])
        return obj

    create_if_absent.alters_data = True  # type: ignore[attr-defined]

    def bulk_update(self, objs, fields, *args, **kwargs):
        rule = scope_of(self.model)
        objs = list(objs)
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if rows and not rule.is_quiet(fields):
            page_cache.changed(*rule.of_rows(objs))
            written([self.model])
        return rows

    bulk_update.alters_data = True  # type: ignore[attr-defined]

    def delete(self):
        scopes, touched = deleted_scopes(self, using=self.db)
        deleted = super().delete()
        page_cache.changed(*scopes)
        written(touched)
        return deleted

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class CachedManager(models.Manager.from_queryset(CachedQuerySet)):  # type: ignore[misc]
    pass


class CachedUserManager(BaseUserManager.from_queryset(CachedQuerySet)):  # type: ignore[misc]
    pass


class CachedModel(models.Model):
    """A model a cached page can show. Say whose pages in `cache_scope` (default: everyone's)."""

    cache_scope: ClassVar[CacheScope] = CATALOGUE
    objects = CachedManager()

    class Meta:
        abstract = True

    def delete(self, using=None, keep_parents=False):
        using = using or router.db_for_write(self.__class__, instance=self)
        scopes, touched = deleted_scopes([self], using=using) if self.pk is not None else (set(), set())
        deleted = super().delete(using=using, keep_parents=keep_parents)
        page_cache.changed(*scopes)
        written(touched)
        return deleted

    delete.alters_data = True  # type: ignore[attr-defined]
