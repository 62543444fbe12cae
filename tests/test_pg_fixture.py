"""The PostgreSQL test fixtures: each test gets a database of its own on a running server."""

import psycopg


def test_each_test_gets_an_empty_database_of_its_own(pg_url, postgres_server):
    assert pg_url != postgres_server
    with psycopg.connect(pg_url) as conn:
        (name,) = conn.execute("SELECT current_database()").fetchone()
        (tables,) = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()
    assert name == pg_url.rsplit("/", 1)[1]
    assert tables == 0
