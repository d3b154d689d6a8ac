"""Backups (docs/drift.md, "Sikkerhedskopiering og gendannelse"): the documented commands make a
copy that, restored, holds the same data.

- SQLite: the online backup API (`sqlite3.Connection.backup`, the same as the sqlite3 shell's
  `.backup`) on a database of its own, made and read by `manage.py` in a subprocess, so this runs
  whichever database the suite itself is on;
- PostgreSQL: `pg_dump --format=custom` and `pg_restore` into a new database (PostgreSQL only).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from networks import services
from tests.factories import add_core, add_meetings, ready_to_start

DUMPDATA = [
    "dumpdata",
    "--natural-foreign",
    "--natural-primary",
    "-e",
    "contenttypes",
    "-e",
    "auth.permission",
]
DUMPDATA += ["-e", "sessions", "-e", "admin.logentry", "--indent", "1"]


def manage(database: Path, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def live_sqlite(tmp_path_factory) -> Path:
    """A SQLite database like production's: migrated, with the types and the demo's networks."""
    database = tmp_path_factory.mktemp("drift") / "netvaerk.sqlite3"
    manage(database, "migrate", "--no-input", "-v0")
    manage(database, "loaddata", "network_types", "demo", "-v0")
    # As docs/drift.md says for data from before the audit trail: a first history row for each.
    manage(database, "populate_history", "--auto", "-v0")
    return database


def sqlite_backup(source: Path, target: Path) -> None:
    """What docs/drift.md documents: the online backup API, safe while the app is running."""
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    live.close()
    copy.close()


def test_a_sqlite_backup_restored_holds_the_same_data(live_sqlite, tmp_path):
    backup = tmp_path / "netvaerk-backup.sqlite3"
    sqlite_backup(live_sqlite, backup)
    # Restoring is putting the copy in the database's place (with the app stopped).
    restored = tmp_path / "restored.sqlite3"
    shutil.copyfile(backup, restored)
    original, copy = manage(live_sqlite, *DUMPDATA), manage(restored, *DUMPDATA)
    assert '"model": "networks.network"' in original and '"model": "networks.historicalnetwork"' in original
    assert copy == original
    assert manage(restored, "check", "--database", "default").strip().endswith("no issues (0 silenced).")


def test_a_sqlite_backup_taken_while_the_app_writes_is_consistent(live_sqlite, tmp_path):
    backup = tmp_path / "midt-i.sqlite3"
    with sqlite3.connect(live_sqlite) as writer:
        writer.execute("BEGIN")
        writer.execute("UPDATE networks_network SET title = title || ' (ikke gemt)'")
        # The uncommitted change is not in the copy: the backup sees the last committed state.
        sqlite_backup(live_sqlite, backup)
        writer.rollback()
    titles = [row[0] for row in sqlite3.connect(backup).execute("SELECT title FROM networks_network")]
    assert titles and not any(title.endswith("(ikke gemt)") for title in titles)
    assert sqlite3.connect(backup).execute("PRAGMA integrity_check").fetchone() == ("ok",)


# --- PostgreSQL --------------------------------------------------------------------------------------


def _pg_env() -> dict:
    database = settings.DATABASES["default"]
    return {
        **os.environ,
        "PGHOST": database.get("HOST") or "127.0.0.1",
        "PGPORT": str(database.get("PORT") or 5432),
        "PGUSER": database["USER"],
        "PGPASSWORD": database["PASSWORD"],
    }


def _rows(database_name: str) -> dict[str, list]:
    import psycopg

    params = settings.DATABASES["default"]
    with psycopg.connect(
        host=params.get("HOST") or "127.0.0.1",
        port=params.get("PORT") or 5432,
        user=params["USER"],
        password=params["PASSWORD"],
        dbname=database_name,
    ) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        # Sorted whole rows: history tables repeat their first column (the object's id).
        return {
            table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr) for table in tables
        }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_pg_dump_restored_with_pg_restore_holds_the_same_data(leader, direktoer, learning_type, tmp_path):
    for tool in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        assert shutil.which(tool), f"{tool} is needed (Debian: postgresql-client)"
    network = ready_to_start(
        services.network_create(by=leader, type=learning_type, title="Læring", theme="T")
    )
    add_core(network, 3)
    add_meetings(network, learning_type.min_meetings)
    services.network_start(network=network, by=leader)
    services.participant_update(
        participant=network.participants.first(), by=leader, organisation="Ældresagen"
    )

    source = connection.settings_dict["NAME"]
    target = f"{source}_gendannet"
    dump = tmp_path / "netvaerk.dump"
    env = _pg_env()
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", source], env=env, check=True)
    subprocess.run(["dropdb", "--if-exists", target], env=env, check=True)
    subprocess.run(["createdb", target], env=env, check=True)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}", str(dump)],
            env=env,
            check=True,
        )
        original, restored = _rows(source), _rows(target)
        assert original["networks_network"] and original["networks_historicalparticipant"]
        assert restored == original
    finally:
        subprocess.run(["dropdb", "--if-exists", target], env=env, check=True)
