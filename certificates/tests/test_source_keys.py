"""What a certificate was earned for (`source_key`) has one definition, used both when it is issued
and when a record looks for it."""

import pytest

from certificates.models import Certificate
from certificates.selectors import record_for_user
from practicums.tests.factories import PracticumFactory, TrackGroupFactory

from .factories import build_person


@pytest.mark.django_db
def test_source_keys_for_a_module_a_set_a_group_and_a_credential():
    alone = PracticumFactory()
    group = TrackGroupFactory(program=alone.program)
    grouped = PracticumFactory(program=alone.program, group=group)
    assert Certificate.source_key_for_module(12) == "module:12"
    assert Certificate.source_key_for_set(alone) == f"set:{alone.pk}"
    assert Certificate.source_key_for_set(grouped) == f"group:{group.pk}"
    assert Certificate.source_key_for_credential(7) == "credential:7"


@pytest.mark.django_db
def test_certificates_issued_for_a_module_and_a_set_are_found_by_the_record_under_any_key_format(
    monkeypatch, django_capture_on_commit_callbacks
):
    """Change the one definition and issuing and the record still agree."""
    monkeypatch.setattr(
        Certificate, "source_key_for_module", staticmethod(lambda module_id: f"m/{module_id}")
    )
    monkeypatch.setattr(
        Certificate, "source_key_for_set", staticmethod(lambda practicum: f"p/{practicum.pk}")
    )
    with django_capture_on_commit_callbacks(execute=True):
        user, series, modules = build_person()
    keys = set(Certificate.objects.filter(user=user).values_list("source_key", flat=True))
    assert keys == {f"m/{modules[0].pk}", f"p/{series.practicums.get().pk}"}
    (program,) = record_for_user(user=user)
    linked = {
        item.key: item.certificate.source_key for g in program.groups for item in g.items if item.certificate
    }
    assert linked == {
        f"module-{modules[0].pk}": f"m/{modules[0].pk}",
        f"set-{series.practicums.get().pk}": f"p/{series.practicums.get().pk}",
    }
