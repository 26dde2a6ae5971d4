"""A transaction's page-cache renewals (core.page_cache.changed): the scopes it changed are renewed
once when it commits, even when some of its changes were in savepoints rolled back, and before
that only when the thread reads the cache after changing them (a page it builds then must not
pass for one from before its writes). A renewal is a new version written to the cache; these
tests record each write of versions."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core import page_cache
from practicums.services import attendance_record
from practicums.tests.factories import PracticumFactory, make_session, register

pytestmark = pytest.mark.django_db

A, B = page_cache.person(10_001), page_cache.person(10_002)


@pytest.fixture
def renewals(monkeypatch) -> list[set[str]]:
    """Each renewal (a write of versions, never of an entry) as the set of scopes it renewed."""
    said: list[set[str]] = []
    write = page_cache.write_values

    def recording(values, *, timeout):
        if timeout is None:  # versions never expire; entries do
            said.append(set(values))
        return write(values, timeout=timeout)

    monkeypatch.setattr(page_cache, "write_values", recording)
    return said


def test_a_transaction_renews_what_it_changed_once_at_the_commit(
    renewals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        page_cache.changed(A)
        page_cache.changed(A, B)
        assert renewals == []  # nothing read: nothing can be kept from before the commit
    assert renewals == [{A, B}]


def test_a_read_after_a_change_in_the_transaction_sees_new_versions(renewals):
    """A page built after a write in the same transaction shows it: it must be neither served
    from nor stored as the entry from before the write, however many writes and reads alternate."""
    seen = [page_cache.versions_and_entry([A], "data:probe")[0]]
    with transaction.atomic():
        for _ in range(2):
            page_cache.changed(A)
            seen.append(page_cache.versions_and_entry([A], "data:probe")[0])
        seen.append(page_cache.versions_and_entry([A], "data:probe")[0])  # no change since
    assert seen[0] != seen[1] != seen[2] == seen[3]
    assert renewals == [{A}, {A}]


def test_a_change_after_a_rolled_back_savepoint_is_renewed_at_the_commit(
    renewals, django_capture_on_commit_callbacks
):
    """The first change's renewal at the commit was dropped with its savepoint; the next change
    must not count on it."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: rolled back by the error, its callbacks too
                page_cache.changed(A)
                raise RuntimeError
        except RuntimeError:
            pass
        page_cache.changed(B)
    assert renewals == [{B}]


def test_a_rolled_back_savepoint_keeps_the_renewal_of_what_came_before(
    renewals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        page_cache.changed(A)
        sid = transaction.savepoint()
        page_cache.changed(B)
        transaction.savepoint_rollback(sid)
    assert len(renewals) == 1
    assert A in renewals[0]


def test_each_transaction_renews_at_its_own_commit(renewals, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            page_cache.changed(A)
    assert renewals == [{A}, {A}]


def test_a_check_in_that_completes_a_set_renews_its_person_once(renewals, django_capture_on_commit_callbacks):
    """The attendance and the set's completion: one renewal, at the commit (four before their
    renewals were one batch, two before they waited for a read or the commit)."""
    practicum = PracticumFactory()
    starts = timezone.now() - timedelta(hours=1)
    session = make_session(practicum, "The only session", starts, starts + timedelta(hours=2))
    person = UserFactory()
    register(person, practicum)
    with django_capture_on_commit_callbacks(execute=True):
        result = attendance_record(user=person, code=session.code)
    assert result.set_completion is not None
    mine = [scopes for scopes in renewals if page_cache.person(person.pk) in scopes]
    assert len(mine) == 1
