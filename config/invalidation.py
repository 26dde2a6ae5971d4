"""The signals that renew the page cache (core.page_cache; docs/decisions/0013).

Credo's models inherit `core.models.CachedModel`: each says whose pages show it (`cache_scope`),
and its queryset and `delete()` renew on bulk writes and deletes (cascades included). What is
left for signals is what has one anyway:
- `post_save` of Credo's models (an instance saved), with the model's quiet fields;
- `m2m_changed` (a share link's programs, a person's groups and permissions);
- every save and delete of the models of other apps that pages show (`EXTERNAL`): a person's
  email addresses and authenticators (allauth), and groups and permissions, which decide the
  menus (a group deleted or given a permission changes everyone's, so they count as catalogue).
Listening to `post_delete` on a model turns off Django's fast delete for it; only `EXTERNAL`'s
few small tables are listened to.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from core import page_cache
from core.models import CATALOGUE, CachedModel, CacheScope, owned_by, scope_of, written

CREDO_APPS = ("accounts", "programs", "modules", "practicums", "certificates", "recertification")

EXTERNAL: dict[str, CacheScope] = {
    "account.emailaddress": owned_by("user_id"),
    "mfa.authenticator": owned_by("user_id"),
    "auth.group": CATALOGUE,
    "auth.permission": CATALOGUE,
}


def scopes_for(instance) -> set[str]:
    return _rule(type(instance)).of_instance(instance)


def _rule(model) -> CacheScope:
    return EXTERNAL.get(model._meta.label_lower) or scope_of(model)


def _saved(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    rule = _rule(sender)
    if not rule.is_quiet(update_fields):
        page_cache.changed(*rule.of_instance(instance))
        written([sender])


def _deleted(sender, instance, **kwargs) -> None:
    page_cache.changed(*scopes_for(instance))


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    scopes = scopes_for(instance)
    rule = _rule(model)
    if (
        reverse and pk_set and rule.kind in {"person", "links"}
    ):  # from the other side: program.sharelink_set.add(link)
        scopes |= rule.of_rows(
            model._base_manager.filter(pk__in=pk_set)
        )  # the owners, not only the catalogue
    elif action == "post_clear" and rule.kind in {"person", "links"}:
        scopes.add(page_cache.CONTENT)  # who was cleared is no longer known: everyone's pages
    page_cache.changed(*scopes)


def models_shown() -> list:
    """Every model whose writes can change a cached page: Credo's and `EXTERNAL`."""
    ours = [model for app in CREDO_APPS for model in apps.get_app_config(app).get_models()]
    return ours + [apps.get_model(label) for label in EXTERNAL]


def connect() -> None:
    for model in models_shown():
        uid = f"page_cache_{model._meta.label}"
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}_save")
        if not issubclass(model, CachedModel):  # CachedModel renews its own deletes
            post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}_delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="page_cache_m2m")
