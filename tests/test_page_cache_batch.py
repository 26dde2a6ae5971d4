"""A transaction's page-cache renewals (core.page_cache.changed): a scope changed twice is renewed
at once the first time, again at once only if something of the cache was read in between, and
once when the transaction commits, even when some of its changes were in savepoints rolled back.
A renewal is a new version written to the cache; these tests record each write of versions."""

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


def test_a_scope_changed_twice_is_renewed_once_now_and_once_at_the_commit(
    renewals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        page_cache.changed(A)
        page_cache.changed(A, B)
        assert renewals == [{A}, {B}]  # B is new to this transaction: renewed at once
    assert renewals[2:] == [{A, B}]


def test_a_read_between_two_changes_gets_the_second_renewed_at_once():
    """A page built between the two writes shows the first only: it must not outlive the second."""
    with transaction.atomic():
        page_cache.changed(A)
        read, _ = page_cache.versions_and_entry([A], "data:probe")
        page_cache.changed(A)
        assert page_cache.versions_and_entry([A], "data:probe")[0] != read


def test_a_change_after_a_rolled_back_savepoint_is_renewed_at_the_commit(
    renewals, django_capture_on_commit_callbacks
):
    """The first change's renewal at the commit was dropped with its savepoint; the next change
    must not count on it."""
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            sid = transaction.savepoint()
            page_cache.changed(A)
            transaction.savepoint_rollback(sid)
            page_cache.changed(B)
        now = list(renewals)
    assert now == [{A}, {B}]
    assert B in renewals[-1]
    assert len(renewals) == 3


def test_a_rolled_back_savepoint_keeps_the_renewal_of_what_came_before(
    renewals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        page_cache.changed(A)
        sid = transaction.savepoint()
        page_cache.changed(B)
        transaction.savepoint_rollback(sid)
    assert A in renewals[-1]
    assert len(renewals) == 3


def test_each_transaction_renews_at_its_own_commit(renewals, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            page_cache.changed(A)
    assert renewals == [{A}, {A}, {A}, {A}]


def test_a_check_in_that_completes_a_set_renews_its_person_twice(
    renewals, django_capture_on_commit_callbacks
):
    """The attendance and the set's completion: one renewal at once, one at the commit (four
    before their renewals were one batch)."""
    practicum = PracticumFactory()
    starts = timezone.now() - timedelta(hours=1)
    session = make_session(practicum, "The only session", starts, starts + timedelta(hours=2))
    person = UserFactory()
    register(person, practicum)
    with django_capture_on_commit_callbacks(execute=True):
        result = attendance_record(user=person, code=session.code)
    assert result.set_completion is not None
    mine = [scopes for scopes in renewals if page_cache.person(person.pk) in scopes]
    assert len(mine) == 2
