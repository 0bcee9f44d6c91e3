"""Prepared statements for the few fixed statements of the hottest requests, and
ORM statements compiled once (CompiledQuery, at the end).

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
Statements run here are prepared on their first run; Django's own cursors (bound
on the server, see DB_SERVER_SIDE_BINDING) only once a connection has run one five
times.
The preparing cursor is kept for the life of its connection and reused by every
statement run here: a new psycopg cursor looks up a loader for each column of its
first result again, which on the routine's 22 columns cost more than building the
cursor did (together ~60 us of the first read of /me/today after an edit).
While queries are logged (DEBUG, or a test capturing them) the cursor is Django's
own, unprepared, so the log shows each statement with its values: psycopg keeps
no statement text for a prepared execution.
"""

import copy
import weakref
from collections.abc import Callable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet


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


class ModelColumns:
    """One model's columns in a fixed statement (under `alias`), and how to turn them
    into its instance as the ORM does: the backend's converters, then from_db."""

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [field.attname for field in self.fields]
        self.columns = ", ".join(f'{alias}."{field.column}"' for field in self.fields)
        self.pk_index = self.attnames.index(model._meta.pk.attname)

    def converters(self, connection) -> list[tuple[int, list[Callable]]]:
        found = []
        for index, field in enumerate(self.fields):
            col = field.get_col(self.alias)
            converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if converters:
                found.append((index, [(converter, col) for converter in converters]))
        return found

    def convert(self, values: Sequence, converters, connection) -> tuple | None:
        if values[self.pk_index] is None:
            return None  # no row on the LEFT JOIN's side
        values = list(values)
        for index, chain in converters:
            for converter, col in chain:
                values[index] = converter(values[index], col, connection)
        return tuple(values)

    def build(self, values: tuple | None) -> Model | None:
        if values is None:
            return None
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)


class JoinedRows:
    """A fixed statement that selects the columns of several models side by side,
    each part's (a ModelColumns) in order, then `extra` plain values: `fetch` runs it
    (prepared, see preparing_cursor) and gives each row as one tuple of converted
    values per model (None for a part missing on a LEFT JOIN's side), then the
    extra values as they came."""

    def __init__(self, parts: Sequence[ModelColumns], *, extra: int = 0) -> None:
        self.parts = tuple(parts)
        self.extra = extra
        self.bounds = []
        start = 0
        for part in self.parts:
            self.bounds.append((start, start + len(part.fields)))
            start += len(part.fields)
        self.columns = ", ".join(part.columns for part in self.parts)
        # Converters are bound to one connection (one per thread): computed once each.
        self._converters: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def fetch(self, sql: str, params: Sequence) -> list[tuple]:
        connection = connections[DEFAULT_DB_ALIAS]
        converters = self._converters.get(connection)
        if converters is None:
            converters = [part.converters(connection) for part in self.parts]
            self._converters[connection] = converters
        with preparing_cursor(connection) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        split = list(zip(self.parts, self.bounds, converters, strict=True))
        end = self.bounds[-1][1] if self.bounds else 0
        return [
            tuple(part.convert(row[a:b], conv, connection) for part, (a, b), conv in split)
            + tuple(row[end : end + self.extra])
            for row in rows
        ]


# --- ORM statements compiled once --------------------------------------------------
# Integers no primary key takes: `build` is called with these in place of its
# arguments, and the parameters that come out equal to one are that argument's slots.
_MARKERS = tuple(-(2**62) + 7919 * n for n in range(1, 9))
_OTHER_MARKERS = tuple(marker - 1 for marker in _MARKERS)


class CompiledQuery:
    """An ORM queryset of fixed shape whose SQL Django compiles once per database
    connection: each call runs that text with the new values and reads the rows
    through the ORM's own iterable (model instances with their select_related, or
    values_list rows), only the compiling skipped.

    `build(*ids)` makes the queryset from integer arguments (ids) and must give the same
    SQL whatever they are: values only in parameters, no branch on them. That is
    checked when it is first compiled, with two sets of marker values: each argument
    must land in the parameters, and both must give the same statement. Compiling a
    page's small querysets cost more CPU than running them (1 to 2 ms each,
    mostly in the compiler's select and order-by), and the fixed text lets
    PostgreSQL prepare it (see DB_SERVER_SIDE_BINDING).

    A call returns a list (prefetch_related lookups of the queryset still run, each
    compiled as usual); the queryset itself never leaves, since a queryset derived
    from it would keep the compiled text."""

    def __init__(self, build: Callable[..., QuerySet], arity: int) -> None:
        if not 0 < arity <= len(_MARKERS):
            raise ValueError(f"arity must be 1..{len(_MARKERS)}")
        self.build = build
        self.arity = arity

    def _compile(self, markers: Sequence[int], connection) -> tuple:
        queryset = self.build(*markers)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = [markers.index(p) if type(p) is int and p in markers else None for p in params]
        missing = set(range(self.arity)) - set(slots)
        if missing:
            raise ValueError(f"arguments {sorted(missing)} do not reach the statement's parameters")
        return queryset, compiler, sql, tuple(params), tuple(slots)

    def _entry(self, connection) -> tuple:
        """The compiled statement of this connection (kept on Django's connection
        object, one per thread, as the preparing cursor is)."""
        kept = connection.__dict__.setdefault("_compiled_queries", {})
        entry = kept.get(self)
        if entry is None:
            entry = self._compile(_MARKERS[: self.arity], connection)
            other = self._compile(_OTHER_MARKERS[: self.arity], connection)
            if (other[2], other[4]) != (entry[2], entry[4]):
                raise ValueError("the statement's text depends on the arguments' values")
            kept[self] = entry
        return entry

    def __call__(self, *ids: int) -> list:
        if len(ids) != self.arity:
            raise TypeError(f"{self.arity} arguments expected, {len(ids)} given")
        ids = tuple(int(value) for value in ids)
        template, compiler, sql, params, slots = self._entry(connections[DEFAULT_DB_ALIAS])
        values = [
            value if slot is None else ids[slot] for value, slot in zip(params, slots, strict=True)
        ]
        run = copy.copy(compiler)
        run.as_sql = lambda *args, **kwargs: (sql, values)
        queryset = template._chain()
        # Only this throwaway copy answers with the compiled text.
        queryset.query.get_compiler = lambda *args, **kwargs: run
        return list(queryset)
