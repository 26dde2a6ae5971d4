"""The indexes for the admin at scale: reversible migrations on any database, trigram indexes and
estimated counts on PostgreSQL only."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.tests.factories import UserFactory
from core import admin as core_admin
from core.admin import EstimatedCountPaginator

# Rolled back in this order, the apps that depend on others first: rolling an app back to a
# migration applies whatever that migration depends on, which may be one already rolled back.
ADMIN_INDEXES = [
    ("certificates", "0013_filter_order_indexes", "certificates_certificate", "certificates_program_order"),
    ("recertification", "0003_admin_indexes", "recertification_credential", "recert_credential_until"),
    ("practicums", "0007_admin_indexes", "practicums_registration", "practicums_reg_status_created"),
    ("modules", "0002_admin_indexes", "modules_attempt", "modules_attempt_assess_started"),
    ("programs", "0002_admin_indexes", "programs_enrollment", "programs_enr_registered"),
    ("accounts", "0003_admin_indexes", "accounts_user", "accounts_user_name_email"),
]


def _indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


@pytest.mark.django_db(transaction=True)
def test_admin_index_migrations_go_back_and_forth():
    for _app, _migration, table, index in ADMIN_INDEXES:
        assert index in _indexes(table)
    for app, migration, _table, _index in ADMIN_INDEXES:
        call_command("migrate", app, f"{int(migration[:4]) - 1:04d}", verbosity=0)
    for _app, _migration, table, index in ADMIN_INDEXES:
        assert index not in _indexes(table)
    call_command("migrate", verbosity=0)
    for _app, _migration, table, index in ADMIN_INDEXES:
        assert index in _indexes(table)


@pytest.mark.postgres
@pytest.mark.django_db
def test_people_search_uses_the_trigram_indexes_on_postgresql():
    assert {"accounts_user_email_trgm", "accounts_user_full_name_trgm"} <= _indexes("accounts_user")
    with connection.cursor() as cursor:
        # A tiny table: forbid the plans a planner prefers there (reading the whole table, or the
        # ordering index with a filter), so only an index that can answer LIKE '%…%' remains.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = User.objects.filter(email__icontains="ana@").order_by().query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "accounts_user_email_trgm" in plan


@pytest.mark.postgres
@pytest.mark.django_db
def test_unfiltered_big_table_is_counted_from_the_statistics(monkeypatch):
    UserFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user")
    monkeypatch.setattr(core_admin, "ESTIMATE_ABOVE", 1)
    with CaptureQueriesContext(connection) as queries:
        count = EstimatedCountPaginator(User.objects.all(), 100).count
    assert count == 3
    assert not any("COUNT(" in q["sql"] for q in queries.captured_queries)
    assert EstimatedCountPaginator(User.objects.filter(email__startswith="x"), 100).count == 0


@pytest.mark.django_db
def test_small_or_unanalysed_table_is_counted_exactly():
    UserFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        assert EstimatedCountPaginator(User.objects.all(), 100).count == 3
    assert len(queries) == (2 if connection.vendor == "postgresql" else 1)  # PostgreSQL: the estimate first
    assert "COUNT(" in queries[-1]["sql"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_filtered_list_the_planner_expects_to_be_long_is_not_counted(monkeypatch):
    UserFactory.create_batch(5, organization="Big District")
    UserFactory.create_batch(2, organization="Small School")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user")
    monkeypatch.setattr(core_admin, "ESTIMATE_ABOVE", 3)
    # Expected to be short: counted exactly.
    assert EstimatedCountPaginator(User.objects.filter(organization="Small School"), 100).count == 2
    # Expected to be long: the planner's figure, and no row read to count.
    with CaptureQueriesContext(connection) as queries:
        count = EstimatedCountPaginator(User.objects.filter(organization="Big District"), 100).count
    assert count == 5
    assert not any("COUNT(" in q["sql"] for q in queries.captured_queries)


@pytest.mark.postgres
@pytest.mark.django_db
def test_filtered_list_longer_than_the_planner_expects_counts_up_to_a_cap(monkeypatch):
    for i in range(5):
        UserFactory(email=f"teacher{i}@big-district.example")
    UserFactory.create_batch(2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user")
    monkeypatch.setattr(core_admin, "ESTIMATE_ABOVE", 3)
    # A pattern the planner guesses few rows for: counted, but never past the cap.
    with CaptureQueriesContext(connection) as queries:
        count = EstimatedCountPaginator(User.objects.filter(email__contains="big-district"), 100).count
    assert count >= 4
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1
    assert "LIMIT 4" in counts[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_email_address_filters_for_few_rows_have_partial_indexes_on_postgresql():
    wanted = {"account_emailaddress_not_primary", "account_emailaddress_unverified"}
    assert wanted <= _indexes("account_emailaddress")
    call_command("migrate", "accounts", "0004", verbosity=0)
    assert not wanted & _indexes("account_emailaddress")
    call_command("migrate", verbosity=0)
    assert wanted <= _indexes("account_emailaddress")
    with transaction.atomic(), connection.cursor() as cursor:  # SET LOCAL lasts the transaction
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            'EXPLAIN SELECT id FROM account_emailaddress WHERE NOT "primary" ORDER BY id DESC LIMIT 50'
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "account_emailaddress_not_primary" in plan


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_attempt_list_is_read_in_an_index_order_without_sorting():
    from modules.models import Attempt

    page = Attempt.objects.select_related("user", "assessment").order_by("-started_at", "-id")[:50]
    sql, params = page.query.sql_with_params()  # the list's order: the model's, then Django's -pk
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "modules_attempt_started_id" in plan
    assert "Sort" not in plan
