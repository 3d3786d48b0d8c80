"""The benchmarks still run against today's schema and import rules, at tiny sizes.

Benchmarks are run by hand, so nothing else would notice a new column or rule breaking them.
Timings are not checked here (docs: performance is measured in benchmarks/, not in tests).
"""

import datetime

import pytest
from django.db import connection

from speakup.training.roster.importing import staff_import
from speakup.training.tallies import compliance_figures


@pytest.mark.django_db
def test_the_staff_import_benchmarks_roster_imports_cleanly(organisation, tmp_path):
    from benchmarks.staff_import import write_roster

    path = tmp_path / "roster.csv"
    write_roster(path, 40)
    with path.open("rb") as file:
        result = staff_import(organisation=organisation, file=file, full=True)
    assert result.imported and not result.errors
    assert result.created == 40


@pytest.mark.django_db
def test_the_staff_import_benchmarks_floor_copies_the_stored_roster(organisation, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the floor is measured with PostgreSQL's COPY")
    from benchmarks.staff_import import roster_floor, write_roster

    path = tmp_path / "roster.csv"
    write_roster(path, 40)
    with path.open("rb") as file:
        staff_import(organisation=organisation, file=file, full=True)
    for indexes in (False, True):
        assert roster_floor(tmp_path, indexes=indexes) > 0


@pytest.mark.django_db
def test_the_dashboard_benchmarks_trust_is_counted():
    from benchmarks.training_dashboard import _fill

    trust = _fill(200)
    summary = compliance_figures(organisation=trust, today=datetime.date.today())["summary"]
    assert summary["modules"][0]["required"] > 150  # the active workers must take Speak Up


@pytest.mark.django_db(transaction=True)
def test_the_national_data_generator_fills_its_tables():
    if connection.vendor != "postgresql":
        pytest.skip("the national data is made by PostgreSQL's generate_series")
    from benchmarks.national_data import generate

    made = generate(0.0002)  # 250 organisations, 300 workers, 35 cases, 1 director
    assert made["organisations"] == 250
    assert made["workers"] == 300 and made["cases"] == 35
    assert made["training completions"] > 0


def test_a_benchmark_makes_its_postgresql_database_on_a_fresh_server(db):
    if connection.vendor != "postgresql":
        pytest.skip("only a PostgreSQL database is made by the benchmarks")
    import psycopg

    from benchmarks.common import create_postgres_database

    server = connection.settings_dict
    url = f"postgres://{server['USER']}@{server['HOST']}:{server['PORT']}/speakup_bench_made"
    create_postgres_database(url)
    create_postgres_database(url)  # a second time: already there, nothing to do
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as maintenance:
        maintenance.execute("DROP DATABASE speakup_bench_made")
