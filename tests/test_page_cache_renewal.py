"""Every write path of every model a cached page can show renews the pages showing it
(core.models, config/invalidation.py, docs/decisions/0013). Generated: a new model is in these
tests the day it is added, with a row built from its fields, and fails them until its writes
renew the cache.

A scope's version is read from the cache before and after the write: a renewal is a new one."""

import itertools
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from config import invalidation
from core import page_cache
from core.models import CachedModel, CachedQuerySet, scope_of

pytestmark = pytest.mark.django_db

OURS = [model for model in invalidation.models_shown() if issubclass(model, CachedModel)]
SHOWN = [model for model in OURS if scope_of(model).kind != "none"]
# Values a generated row needs to pass a model's own constraints.
VALUES = {
    "practicums.practicum": {"kind": "practicum", "ce_kind": ""},
}
_counter = itertools.count(1)


def _value(field: models.Field):
    n = next(_counter)
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.EmailField):
        return f"row{n}@example.org"
    if isinstance(field, models.URLField):
        return f"https://example.org/{n}"
    if isinstance(field, (models.CharField, models.TextField)):
        return f"{field.name}-{n}"[: field.max_length or 100]
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField):
        return Decimal("1")
    if isinstance(field, (models.IntegerField, models.FloatField)):
        return n
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.localdate()
    if isinstance(field, models.TimeField):
        return timezone.now().time().replace(microsecond=0)
    if isinstance(field, models.DurationField):
        return timedelta(hours=1)
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.GenericIPAddressField):
        return "127.0.0.1"
    if isinstance(field, models.FileField):
        return f"rows/{n}.pdf"
    raise AssertionError(f"no value for {field!r}: add it to tests/test_page_cache_renewal.py")


def unsaved(model):
    """A row of `model` with every field that needs a value given one (parents saved)."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.null or field.has_default():
            continue
        if field.is_relation:
            values[field.name] = row(field.related_model)
        else:
            values[field.name] = _value(field)
    values.update(VALUES.get(model._meta.label_lower, {}))
    return model(**values)


def row(model):
    instance = unsaved(model)
    instance.save()
    return instance


def versions(scopes) -> dict[str, object]:
    """The scopes' versions, read as a page reads them (a write after a read renews at once)."""
    scopes = list(scopes)
    return dict(zip(scopes, page_cache.versions_and_entry(scopes, "data:renewal-probe")[0], strict=True))


def renews(scopes, write) -> set[str]:
    """The scopes among `scopes` that `write()` gave a new version."""
    before = versions(scopes)
    with transaction.atomic():
        sid = transaction.savepoint()
        write()
        transaction.savepoint_rollback(sid)  # renewals stay said; the rows come back
    after = versions(scopes)
    return {scope for scope in scopes if after[scope] != before[scope] and after[scope] is not None}


def expected(instance) -> set[str]:
    scopes = invalidation.scopes_for(instance)
    assert scopes, f"{type(instance)._meta.label}: a shown model with no scope for its row"
    page_cache.changed(*scopes)  # give each a version first, so a renewal shows as a change
    return scopes


def a_field_to_write(model) -> str:
    rule = scope_of(model)
    for field in model._meta.concrete_fields:
        if not field.primary_key and not field.is_relation and field.name not in rule.quiet:
            return field.name
    raise AssertionError(f"{model._meta.label} has no field to write")


def test_every_credo_model_can_renew_the_cache():
    assert len(OURS) >= 40
    for model in OURS:
        assert isinstance(model._default_manager.all(), CachedQuerySet), model._meta.label
        rule = scope_of(model)
        if rule.owner and rule.owner != "pk":
            model._meta.get_field(rule.owner.removesuffix("_id"))  # names a real field


def _update(model, instance):
    name = a_field_to_write(model)
    return model.objects.filter(pk=instance.pk).update(**{name: getattr(instance, name)})


# Every way to write a saved row (bulk_create, for a new one, is below).
WRITES = {
    "save": lambda model, instance: instance.save(),
    "queryset update": _update,
    "bulk_update": lambda model, instance: model.objects.bulk_update([instance], [a_field_to_write(model)]),
    "delete": lambda model, instance: instance.delete(),
    "queryset delete": lambda model, instance: model.objects.filter(pk=instance.pk).delete(),
}


@pytest.mark.parametrize("path", WRITES)
@pytest.mark.parametrize("model", SHOWN, ids=lambda m: m._meta.label)
def test_every_write_path_renews(model, path):
    instance = row(model)
    scopes = expected(instance)
    assert renews(scopes, lambda: WRITES[path](model, instance)) == scopes


@pytest.mark.parametrize("model", SHOWN, ids=lambda m: m._meta.label)
def test_bulk_create_renews(model):
    instance = unsaved(model)
    instance.pk = 10_000_000 + next(_counter)  # known before the insert, for a row that is its own owner
    scopes = expected(instance)
    assert renews(scopes, lambda: model.objects.bulk_create([instance])) == scopes


@pytest.mark.parametrize("model", SHOWN, ids=lambda m: m._meta.label)
def test_create_if_absent_renews_and_a_conflict_renews_nothing(model):
    instance = unsaved(model)
    instance.pk = 10_000_000 + next(_counter)
    values = {field.attname: getattr(instance, field.attname) for field in model._meta.concrete_fields}
    scopes = expected(instance)
    assert renews(scopes, lambda: model.objects.create_if_absent(**values)) == scopes  # rolled back
    assert model.objects.create_if_absent(**values).pk == instance.pk
    assert renews(scopes, lambda: model.objects.create_if_absent(**values)) == set()  # there already


CASCADES = [
    (model, field)
    for model in SHOWN
    for field in model._meta.concrete_fields
    if field.is_relation
    and field.related_model is not model
    and field.remote_field.on_delete in (models.CASCADE, models.SET_NULL)
]


@pytest.mark.parametrize(
    ("model", "field"), CASCADES, ids=lambda x: getattr(x, "name", None) or x._meta.label
)
def test_deleting_a_parent_renews_its_childrens_pages(model, field):
    """A cascade (often a fast delete, which sends no signal) or a SET_NULL renews the scopes of
    the rows it removes or changes, through the parent's delete and its queryset's delete."""
    instance = row(model)
    parent = getattr(instance, field.name)
    if parent is None:
        parent = row(field.related_model)
        setattr(instance, field.name, parent)
        instance.save()
    scopes, parent_pk = expected(instance), parent.pk
    assert renews(scopes, lambda: type(parent).objects.filter(pk=parent_pk).delete()) >= scopes
    assert renews(scopes, lambda: parent.delete()) >= scopes


@pytest.mark.parametrize(
    "model", [m for m in OURS if scope_of(m).kind == "none"], ids=lambda m: m._meta.label
)
def test_rows_shown_on_no_page_renew_nothing(model):
    instance = unsaved(model)
    page_cache.changed(page_cache.CONTENT)
    assert renews([page_cache.CONTENT], lambda: instance.save()) == set()


def test_other_apps_models_that_pages_show_renew_them():
    """Groups and permissions decide menus; a person's email addresses and authenticators show
    on their pages. None of these is Credo's model, so signals renew them."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import Group, Permission

    user = row(get_user_model())
    mine = {page_cache.person(user.pk)}
    everyone = {page_cache.CONTENT}
    page_cache.changed(*mine, *everyone)
    group = Group.objects.create(name="Reviewers")
    assert renews(mine, lambda: user.groups.add(group)) == mine
    assert renews(mine, lambda: group.user_set.add(user)) == mine
    permission = Permission.objects.first()
    assert renews(everyone, lambda: group.permissions.add(permission)) == everyone
    assert renews(everyone, lambda: group.delete()) == everyone
    address = EmailAddress.objects.create(user=user, email="second@example.org", verified=True, primary=False)
    assert renews(mine, lambda: address.delete()) == mine
    authenticator = Authenticator(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert renews(mine, lambda: authenticator.save()) == mine
    assert renews(mine, lambda: authenticator.delete()) == mine
