"""config.db's preparing cursor: one per database connection, kept between
statements, and a new one after a reconnection."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from config.db import preparing_cursor

pytestmark = pytest.mark.django_db


def run(sql: str, params: list) -> list[tuple]:
    with preparing_cursor(connections[DEFAULT_DB_ALIAS]) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_statements_read_the_same_through_the_kept_cursor():
    assert [run("SELECT %s + 1", [n]) for n in range(7)] == [[(n + 1,)] for n in range(7)]


@pytest.mark.skipif(
    connections[DEFAULT_DB_ALIAS].vendor != "postgresql", reason="prepared on PostgreSQL only"
)
@pytest.mark.django_db(transaction=True)  # it closes the connection
def test_the_cursor_is_kept_per_connection_and_made_again_after_a_reconnection():
    connection = connections[DEFAULT_DB_ALIAS]
    with preparing_cursor(connection) as first:
        first.execute("SELECT %s::int", [1])
        kept = first.cursor
    with preparing_cursor(connection) as second:
        second.execute("SELECT %s::int", [2])
        assert second.cursor is kept
        assert second.fetchall() == [(2,)]
    connection.close()
    with preparing_cursor(connection) as third:
        third.execute("SELECT %s::int", [3])
        assert third.cursor is not kept
        assert third.fetchall() == [(3,)]
