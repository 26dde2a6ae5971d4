"""Every save and delete tells the page cache what changed (see core.page_cache).

A model either belongs to a person (its scope is that person's), is a share link (the owner's
links), shows on no cached page (ignored) or is part of the catalogue staff edit (everyone's
pages). A model not named here counts as catalogue: a new model is never left out, at worst
it empties the cache more often than needed. Writes with QuerySet.update() send no signals;
the services that use them call page_cache.changed themselves.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from core import page_cache

CREDO_APPS = ("accounts", "programs", "modules", "practicums", "certificates", "recertification")

# model label -> the field naming the person whose pages show it
OWNED_BY = {
    "accounts.user": "pk",
    "programs.enrollment": "user_id",
    "modules.aidsubmission": "user_id",
    "modules.lessonprogress": "user_id",
    "modules.attempt": "user_id",
    "modules.modulecompletion": "user_id",
    "practicums.registration": "user_id",
    "practicums.registrationmove": "user_id",
    "practicums.attendance": "user_id",
    "practicums.attendancecorrection": "attendee_id",
    "practicums.setcompletion": "user_id",
    "practicums.calendarfeed": "user_id",
    "certificates.certificate": "user_id",
    "recertification.examinvitation": "user_id",
    "recertification.credential": "user_id",
    "recertification.ceactivity": "user_id",
}
LINKS = {"certificates.sharelink"}
# Shown on no cached page: messages to staff, the send log, audit trails.
IGNORED = {
    "programs.guiderequest",
    "programs.contactmessage",
    "certificates.emailbatch",
    "certificates.certificateevent",
    "recertification.invitationevent",
    "recertification.remindersent",
    "practicums.sessionreminder",
}

# Saves of only these fields show on no cached page (an answer saved as it is given).
QUIET_FIELDS = {"modules.attempt": {"answers"}}


def scopes_for(instance) -> list[str]:
    label = instance._meta.label_lower
    if label in IGNORED:
        return []
    if label in LINKS:
        return [page_cache.links(instance.user_id)]
    if label in OWNED_BY:
        user_id = getattr(instance, OWNED_BY[label])
        return [page_cache.person(user_id)] if user_id else []
    return [page_cache.CONTENT]


def _saved(sender, instance, update_fields=None, **kwargs) -> None:
    quiet = QUIET_FIELDS.get(instance._meta.label_lower)
    if quiet and update_fields and set(update_fields) <= quiet:
        return
    page_cache.changed(*scopes_for(instance))


def _deleted(sender, instance, **kwargs) -> None:
    page_cache.changed(*scopes_for(instance))


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    scopes = set(scopes_for(instance))
    owned = model._meta.label_lower in LINKS or model._meta.label_lower in OWNED_BY
    if reverse and pk_set and owned:  # changed from the other side: program.sharelink_set.add(link)
        for other in model._default_manager.filter(pk__in=pk_set):
            scopes.update(scopes_for(other))  # the links' owners, not only the catalogue
    page_cache.changed(*scopes)


def connect() -> None:
    for app_label in CREDO_APPS:
        for model in apps.get_app_config(app_label).get_models():
            post_save.connect(_saved, sender=model, dispatch_uid=f"page_cache_save_{model._meta.label}")
            post_delete.connect(_deleted, sender=model, dispatch_uid=f"page_cache_delete_{model._meta.label}")
    m2m_changed.connect(_m2m_changed, dispatch_uid="page_cache_m2m")
