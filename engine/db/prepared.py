"""Fixed statements that every completion runs, compiled once per dialect and run straight on the driver's cursor.

SQLAlchemy's Core spends ~20 µs around each statement it executes (cache lookup, parameter and result set-up,
events), ten times what SQLite itself takes for a lookup by index; a completion runs a dozen such statements.
`Prepared` keeps what SQLAlchemy compiled (the SQL text, its bind and result processors, so values are written and
read exactly as SQLAlchemy would) and hands the driver the SQL and the processed values. It runs in the session's
own connection and transaction; a driver error is raised as SQLAlchemy's (IntegrityError, OperationalError…).

Only for statements without expanding parameters (`IN` lists): those are rendered again at each execution.
Statements run this way are not seen by `before_cursor_execute` listeners.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class Ran:
    """What one execution gave: its rows (processed as SQLAlchemy would) and how many rows it changed."""

    rows: list[tuple[Any, ...]]
    rowcount: int

    def scalar(self) -> Any:
        """The first column of the first row, or None."""
        return self.rows[0][0] if self.rows else None

    def scalars(self) -> list[Any]:
        """The first column of every row."""
        return [row[0] for row in self.rows]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...] | None  # bind names in order for a positional paramstyle; None: by name
    defaults: dict[str, Any]  # the binds' own values (a literal compared with), overridden by the caller's
    binds: dict[str, Processor]
    results: list[Processor]


class Prepared:
    """A statement compiled once per dialect and run on the session's DBAPI connection; `by_columns`: an INSERT
    whose columns are the keys of each execution's values (compiled once per set of keys)."""

    def __init__(self, statement: ClauseElement, by_columns: bool = False) -> None:
        self.statement = statement
        self._by_key: dict[tuple[str, frozenset[str] | None], _Compiled] = {}
        self._lock = threading.Lock()
        self._by_columns = by_columns

    def run(self, session: Session, params: Mapping[str, Any] | None = None) -> Ran:
        """Execute with `params` in the session's transaction; raises SQLAlchemy's DBAPIError subclasses."""
        return self._execute(session, [params or {}], many=False)

    def run_many(self, session: Session, rows: list[Mapping[str, Any]]) -> None:
        """Execute once per row (all with the same keys) in one call of the driver (psycopg sends them together)."""
        if rows:
            self._execute(session, rows, many=True)

    def _execute(self, session: Session, many_params: list[Mapping[str, Any]], many: bool) -> Ran:
        connection = session.connection()
        dialect = connection.dialect
        first = many_params[0]
        key = (dialect.name, frozenset(first) if self._by_columns else None)
        compiled = self._by_key.get(key)
        if compiled is None:
            compiled = self._compile(dialect, list(first) if self._by_columns else None)
            with self._lock:
                self._by_key[key] = compiled
        arguments = [self._arguments(compiled, params) for params in many_params]
        raw = connection.connection.dbapi_connection
        cursor = raw.cursor()  # type: ignore[union-attr]
        try:
            if many:
                cursor.executemany(compiled.sql, arguments)
                return Ran([], cursor.rowcount)
            cursor.execute(compiled.sql, arguments[0])
            rows = cursor.fetchall() if cursor.description else []
            count = cursor.rowcount
        except dialect.loaded_dbapi.Error as error:
            lost = dialect.is_disconnect(error, raw, cursor)
            if lost:  # as SQLAlchemy does: the pool hands out this connection no more
                connection.invalidate(error)
            raise sa_exc.DBAPIError.instance(compiled.sql, arguments[0], error, dialect.loaded_dbapi.Error,
                                             connection_invalidated=lost, dialect=dialect) from error
        finally:
            cursor.close()
        if any(compiled.results):
            rows = [tuple(value if processor is None else processor(value)
                          for processor, value in zip(compiled.results, row, strict=True)) for row in rows]
        return Ran([tuple(row) for row in rows], count)

    @staticmethod
    def _arguments(compiled: _Compiled, params: Mapping[str, Any]) -> Any:
        values = {**compiled.defaults, **params}
        for name, processor in compiled.binds.items():
            if processor is not None:
                values[name] = processor(values[name])
        return tuple(values[name] for name in compiled.names) if compiled.names is not None else values

    def _compile(self, dialect: Dialect, column_keys: list[str] | None) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect, column_keys=column_keys)
        assert isinstance(compiled, SQLCompiler)
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("a prepared statement takes no expanding parameters (IN lists)")
        defaults = {name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required}
        prefetch = [(column, column.default) for column in compiled.insert_prefetch] + [
            (column, column.onupdate) for column in compiled.update_prefetch]
        for column, default in prefetch:  # a column default the caller did not give
            if default is None or not default.is_scalar:
                raise ValueError(f"a prepared statement computes no default (column {column.key})")
            defaults[column.key] = getattr(default, "arg", None)
        binds: dict[str, Processor] = {name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                                       for name, bind in compiled.binds.items()}
        columns = getattr(self.statement, "selected_columns", None)
        if columns is None:
            columns = getattr(self.statement, "exported_columns", None) or ()
        results = [column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns]
        names = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup is not None else None
        return _Compiled(compiled.string, names, defaults, binds, results)
