"""Prepared statements for the few fixed statements of the hottest requests.

Django runs every statement through psycopg's client-side binding cursor, which
never prepares: PostgreSQL plans each statement again on every call. For the
routine of GET /me/today that planning cost the server about four times what
executing it did (~0.8 ms against ~0.2 ms of backend CPU). `preparing_cursor`
gives a Django cursor (its checks, error wrapping and query logging) over a
server-side binding cursor that prepares what it runs, once per connection;
after five runs PostgreSQL keeps a generic plan and plans no more.

psycopg prepares only when the connection's `prepare_threshold` is set (Django
leaves it unset unless OPTIONS name it): the settings set it on PostgreSQL unless
DB_PREPARED_STATEMENTS=0, e.g. behind a pooler in transaction mode that cannot
keep protocol-level prepared statements (PgBouncer before 1.21, or without
max_prepared_statements). Off, these statements run unprepared, as every other.
Only statements run here are prepared: Django's own cursors stay client-side.
The preparing cursor is kept for the life of its connection and reused by every
statement run here: a new psycopg cursor looks up a loader for each column of its
first result again, which on the routine's 22 columns cost more than building the
cursor did (together ~60 us of the first read of /me/today after an edit).
While queries are logged (DEBUG, or a test capturing them) the cursor is Django's
own, unprepared, so the log shows each statement with its values: psycopg keeps
no statement text for a prepared execution.
"""

from django.db.backends.base.base import BaseDatabaseWrapper


def preparing_cursor(connection: BaseDatabaseWrapper):
    """A cursor of `connection` that prepares its statements on PostgreSQL (a plain
    cursor elsewhere). The statement text must be fixed, parameters apart.

    On PostgreSQL this is `connection.cursor()` with the kept cursor in place of a
    new one: the same checks (health, connection, thread) and Django's wrapper."""
    if connection.vendor != "postgresql" or connection.queries_logged:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    return connection.make_cursor(_kept_cursor(connection))


def _kept_cursor(connection: BaseDatabaseWrapper) -> "_PreparingCursor":
    """The preparing cursor of this database connection, made on first use. It is kept
    on Django's connection object (one per thread), so a reconnection gets a new one."""
    kept = getattr(connection, "_preparing_cursor", None)
    if kept is None or kept.connection is not connection.connection:
        kept = connection._preparing_cursor = _PreparingCursor(connection.connection)
    return kept


try:
    import psycopg
except ImportError:  # SQLite-only installs
    psycopg = None

if psycopg is not None:

    class _PreparingCursor(psycopg.Cursor):
        def execute(self, query, params=None, **kwargs):
            return super().execute(query, params, prepare=True)

        def close(self) -> None:
            """Kept open for the next statement (Django's wrapper closes its cursor
            after each block); it goes with its connection."""
