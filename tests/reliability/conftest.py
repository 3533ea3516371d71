"""Servers the fault tests own (tests/embedded.py), started once for the pytest process when a
test asks for them: a PostgreSQL with few connection slots, a Redis, and a seeder on both.
Tests may fill, stop and restart them; each leaves them running.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.embedded import (
    FAULT_MAX_CONNECTIONS,
    EmbeddedPostgres,
    EmbeddedRedis,
    Seeder,
    migrated_postgres,
)


@pytest.fixture(scope="session")
def pg() -> Iterator[EmbeddedPostgres]:
    """A migrated PostgreSQL of the fault tests' own, with FAULT_MAX_CONNECTIONS slots."""
    with migrated_postgres(max_connections=FAULT_MAX_CONNECTIONS) as server:
        yield server


@pytest.fixture(scope="session")
def broker() -> Iterator[EmbeddedRedis]:
    """A Redis of the fault tests' own."""
    server = EmbeddedRedis()
    server.start()
    yield server
    server.cleanup()


@pytest.fixture(scope="session")
def seeder(pg: EmbeddedPostgres, broker: EmbeddedRedis) -> Iterator[Seeder]:
    """Starts runs on `pg`, their messages going to `broker`."""
    process = Seeder(pg.url(), broker.url)
    yield process
    process.close()
