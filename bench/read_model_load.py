"""Bulk load of the synthetic read model (`bench.read_model_data`) into PostgreSQL: COPY with the
indexes dropped, then the indexes rebuilt, VACUUM and ANALYZE. The step duration counts and
ledgers are written as the projection keeps them, and checked against `store.durations` on a
sample of procedures read back."""

from __future__ import annotations

import json
import time
from contextlib import ExitStack

import psycopg

from bench.read_model_data import (
    LEDGER_COLUMNS,
    PROCEDURE_COLUMNS,
    STEP_COLUMNS,
    Synthetic,
    generate,
    world,
)
from store.durations import StepFacts, ledger_of

TABLES = ("procedure", "step", "duration_ledger", "step_duration_count")
CHECKED = 200  # procedures whose ledger is recomputed from their rows after the load


def _indexes(connection: psycopg.Connection) -> list[tuple[str, str, str]]:
    """(table, index or constraint, SQL that recreates it) of the bulk-loaded tables."""
    rows = connection.execute(
        "SELECT t.relname, i.relname, coalesce("
        "  'ALTER TABLE ' || quote_ident(t.relname) || ' ADD CONSTRAINT '"
        "  || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid),"
        "  pg_get_indexdef(i.oid)), c.conname"
        " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
        " JOIN pg_class t ON t.oid = x.indrelid"
        " LEFT JOIN pg_constraint c ON c.conindid = i.oid"
        " WHERE t.relname = ANY(%s)",
        (list(TABLES),),
    ).fetchall()
    return [(table, constraint or name, sql) for table, name, sql, constraint in rows]


def _drop(connection: psycopg.Connection, indexes: list[tuple[str, str, str]]) -> None:
    for table, name, sql in indexes:
        if sql.startswith("ALTER"):
            connection.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        else:
            connection.execute(f'DROP INDEX "{name}"')


def _copy(url: str, procedures: int, steps: int, result: Synthetic) -> None:
    """Stream the three tables at once, one connection each, emptied in the COPY's own
    transaction so that COPY may write the rows frozen (no later rewrite of hint bits)."""
    connections = [psycopg.connect(url) for _ in range(3)]
    try:
        the_world = world(connections[0])
        connections[0].commit()
        targets = [
            ("procedure", PROCEDURE_COLUMNS),
            ("step", STEP_COLUMNS),
            ("duration_ledger", LEDGER_COLUMNS),
        ]
        with ExitStack() as stack:
            copies = []
            for connection, (table, columns) in zip(connections, targets, strict=True):
                connection.execute("SET synchronous_commit = off")
                connection.execute(f'TRUNCATE "{table}"')
                statement = f'COPY "{table}" ({columns}) FROM STDIN FREEZE'
                copies.append(stack.enter_context(connection.cursor().copy(statement)))
            for procedure, lines, ledger in generate(procedures, steps, the_world, result):
                copies[0].write(procedure)
                copies[1].write("".join(lines))
                if ledger:
                    copies[2].write(ledger)
        counts = "COPY step_duration_count (org_id, role, kind, key, days, steps, label) FROM STDIN"
        with connections[0].cursor().copy(counts) as copy:
            for (org, role, kind, key, days), count in result.counts.items():
                copy.write_row((org, role, kind, key, days, count, result.labels[kind, key]))
        for connection in connections:
            connection.commit()
    finally:
        for connection in connections:
            connection.close()


def _check(connection: psycopg.Connection) -> None:
    """The ledgers written are those `store.durations` computes from the rows loaded."""
    sample = connection.execute(
        "SELECT procedure_id, viewers, durations FROM duration_ledger"
        " TABLESAMPLE SYSTEM (1) LIMIT %s",
        (CHECKED,),
    ).fetchall()
    for procedure_id, viewers, durations in sample:
        (bailleur,) = connection.execute(
            "SELECT bailleur_id FROM procedure WHERE id = %s", (procedure_id,)
        ).fetchone() or ("",)
        rows = connection.execute(
            "SELECT key, label, org_id, status, opened_on, completed_on FROM step"
            " WHERE procedure_id = %s",
            (procedure_id,),
        ).fetchall()
        expected = ledger_of(bailleur, [StepFacts(*row) for row in rows])
        if expected != (viewers, durations):
            raise AssertionError(f"{procedure_id}: {json.dumps(expected)} ≠ {viewers, durations}")


def bulk_load(url: str, procedures: int, steps: int) -> Synthetic:
    """Load `procedures` procedures and about `steps` steps; what was loaded, with the time
    each phase took."""
    result = Synthetic()
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as connection:
        indexes = _indexes(connection)
        _drop(connection, indexes)
    _copy(url, procedures, steps, result)
    result.seconds["copy"] = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("SET maintenance_work_mem = '1GB'")
        for _table, _name, sql in indexes:
            connection.execute(sql)
        result.seconds["indexes"] = time.perf_counter() - started - result.seconds["copy"]
        for table in TABLES:
            connection.execute(f'VACUUM ANALYZE "{table}"')
        connection.execute("ANALYZE")
        _check(connection)
    result.seconds["total"] = time.perf_counter() - started
    return result
