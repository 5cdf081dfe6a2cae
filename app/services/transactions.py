"""Savepoints that stay inside the use case's one transaction, on SQLite too.

Use cases catch a unique-constraint race (two taps, two devices) in a savepoint and carry on.
The sqlite3 driver opens a transaction only right before a write, so a savepoint opened
first starts a transaction of its own, and releasing it commits: the use case would be two
transactions, and a later failure could not undo the first part. Opening the transaction
ourselves first keeps the savepoint nested. PostgreSQL needs nothing.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """`session.begin_nested()`, nested in the session's transaction on every database."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name == "sqlite" and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN")
    with session.begin_nested():
        yield
