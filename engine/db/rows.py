"""Write the rows every engine step writes with one plain statement each, and leave the ORM objects as if it had
flushed them: loaded, clean, and still in the session.

A flush of the unit of work costs several times its statements (it sorts the mappers, walks their
relationships, collects each attribute's history): a task completion paid ~0.7 ms for its three rows. These
helpers serve rows of plain one-table mappers (a cycle, a task) and write column attributes only; an object with
a changed relationship is left for the flush, which writes what remains as before.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, inspect
from sqlalchemy.orm import MANYTOONE, ColumnProperty, Session, make_transient_to_detached
from sqlalchemy.orm.base import NO_VALUE
from sqlalchemy.orm.exc import StaleDataError

from .base import Base
from .prepared import Prepared

_UPDATES: dict[tuple[Table, frozenset[str]], Prepared] = {}  # built once per table and set of changed columns
_INSERTS: dict[Table, Prepared] = {}


def _table(mapper: Any) -> Table:
    table = mapper.local_table
    assert isinstance(table, Table)
    return table


def _update_of(table: Table, columns: frozenset[str], pk: Any, version: Any) -> Prepared:
    found = _UPDATES.get((table, columns))
    if found is None:
        where = [pk == bindparam("w_pk")] + ([version == bindparam("w_version")] if version is not None else [])
        found = Prepared(table.update().where(*where).values({table.c[name]: bindparam(f"v_{name}")
                                                              for name in columns}))
        _UPDATES[(table, columns)] = found
    return found


def update_now(session: Session, obj: Base) -> bool:
    """UPDATE the changed columns of a loaded object at once (bumping and checking its version column, if it has
    one: StaleDataError when another transaction moved it first); the object is clean after. False when it is
    not a loaded row or a relationship of it changed (the flush writes it then)."""
    state = inspect(obj)
    mapper = state.mapper
    if state.key is None or state.deleted:
        return False
    changes: dict[str, Any] = {}
    for key, old in list(state.committed_state.items()):  # what was set since it was loaded
        prop = mapper.attrs.get(key)
        if not isinstance(prop, ColumnProperty):
            return False  # a relationship: the flush handles its foreign keys
        new = state.dict.get(key)
        if new is not old or old is NO_VALUE:
            changes[key] = new
    if not changes:  # set to what it held: nothing to write
        state._commit_all(state.dict, session.identity_map)
        return True
    table = _table(mapper)
    (pk,) = mapper.primary_key
    version = mapper.version_id_col
    params = {f"v_{mapper.attrs[key].columns[0].key}": value for key, value in changes.items()}
    identity = state.identity
    assert identity is not None
    params["w_pk"] = identity[0]
    if version is not None:
        version_key = mapper.get_property_by_column(version).key
        current = state.dict[version_key]
        params["w_version"], params[f"v_{version.key}"] = current, current + 1
        changes[version_key] = current + 1
    columns = frozenset(name[2:] for name in params if name.startswith("v_"))
    done = _update_of(table, columns, pk, version).run(session, params)
    if done.rowcount != 1:
        raise StaleDataError(f"{table.name} {identity[0]} was changed by another transaction")
    if version is not None:
        state.dict[version_key] = changes[version_key]
    # what the unit of work itself does to a state it wrote: its history committed, no longer modified
    state._commit_all(state.dict, session.identity_map)
    return True


def insert_now(session: Session, obj: Base) -> None:
    """INSERT a new object at once (its id from RETURNING) and make it a clean, persistent member of the session;
    a column left unset gets its default, one with a server default is read when first used."""
    mapper = inspect(type(obj))
    table = _table(mapper)
    values: dict[str, Any] = {}
    for column_attr in mapper.column_attrs:
        column = column_attr.columns[0]
        value = obj.__dict__.get(column_attr.key)
        if value is None and column.default is not None:
            default = column.default
            value = default.arg if default.is_scalar else default.arg(None) if default.is_callable else None
            if value is not None:
                setattr(obj, column_attr.key, value)
        if value is None and (column.primary_key or column.server_default is not None):
            continue
        values[column.key] = value
    for rel in mapper.relationships:  # a parent given as an object (`instance=cycle`), not as its id
        parent = obj.__dict__.get(rel.key)
        if rel.viewonly or rel.direction is not MANYTOONE or parent is None:
            continue
        for local, remote in rel.local_remote_pairs:
            name = str(local.key)
            if values.get(name) is None:
                values[name] = getattr(parent, inspect(parent).mapper.get_property_by_column(remote).key)
                setattr(obj, mapper.get_property_by_column(local).key, values[name])
    (pk,) = mapper.primary_key
    insert = _INSERTS.get(table)
    if insert is None:
        insert = _INSERTS.setdefault(table, Prepared(table.insert().returning(pk), by_columns=True))
    setattr(obj, mapper.get_property_by_column(pk).key, insert.run(session, values).scalar())
    if obj in session:
        session.expunge(obj)
    make_transient_to_detached(obj)  # its history is reset: loaded and clean, as after a flush
    session.add(obj)
