"""Feedback storage: SQLite by default, PostgreSQL for a ``postgresql://`` URL.

The target comes from ``FEEDBACK_DB`` (``SLANT_FEEDBACK_DB``); unset means
``instance/feedback.sqlite3`` in the project root. A connection is opened per
call of :func:`connect` (per request in the service), never shared across
gunicorn forks. SQLite runs in WAL mode with ``synchronous=FULL`` so an
acknowledged write survives a crash. The schema lives in
``service/migrations/NNN_name.sql``, applied once per process and target, in
order, each recorded in ``schema_version`` (idempotent: ``IF NOT EXISTS``).
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = ROOT / "instance" / "feedback.sqlite3"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
COLUMNS = ("id", "text", "predicted", "corrected", "model_version", "document_id", "url", "created_at")

_migrated: set[str] = set()
_lock = threading.Lock()


def resolve_target(value: object = None) -> str:
    """The database target: ``value``, else ``$SLANT_FEEDBACK_DB``, else :data:`DEFAULT_DB`."""
    value = value or os.environ.get("SLANT_FEEDBACK_DB") or DEFAULT_DB
    return str(value)


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def migrations() -> list[tuple[int, str, str]]:
    """``(version, name, sql)`` of every file in :data:`MIGRATIONS_DIR`, in order."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = re.match(r"(\d+)_", path.name)
        if match:
            found.append((int(match.group(1)), path.stem, path.read_text(encoding="utf-8")))
    return found


class _Connection:
    """A thin DB-API wrapper that speaks ``?`` placeholders on both back ends."""

    def __init__(self, raw, postgres: bool):
        self.raw, self.postgres = raw, postgres

    def execute(self, sql: str, params=()):
        if self.postgres:
            sql = sql.replace("?", "%s")
        cursor = self.raw.cursor()
        cursor.execute(sql, params)
        return cursor

    def script(self, sql: str) -> None:
        for statement in (s.strip() for s in sql.split(";")):
            if statement and not all(line.lstrip().startswith("--") for line in statement.splitlines()):
                self.execute(statement)

    def commit(self):
        self.raw.commit()

    def rollback(self):
        self.raw.rollback()

    def close(self):
        self.raw.close()


def _open(target: str) -> _Connection:
    if is_postgres(target):
        try:
            import psycopg  # optional dependency, imported only when configured
        except ImportError:
            raise RuntimeError("SLANT_FEEDBACK_DB is a PostgreSQL URL but psycopg is not installed "
                               "(pip install 'psycopg[binary]')") from None
        return _Connection(psycopg.connect(target), postgres=True)
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = sqlite3.connect(path, timeout=10, isolation_level="DEFERRED")
    raw.execute("PRAGMA busy_timeout = 10000")
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = FULL")
    return _Connection(raw, postgres=False)


def migrate(conn: _Connection) -> list[int]:
    """Apply the migrations not yet recorded in ``schema_version``; return the versions applied."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                 "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    conn.commit()
    applied = []
    for version, name, sql in migrations():
        done = conn.execute("SELECT 1 FROM schema_version WHERE version = ?", (version,)).fetchone()
        if done:
            continue
        conn.script(sql)
        conn.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?) "
                     "ON CONFLICT (version) DO NOTHING", (version, name, _now()))
        conn.commit()
        applied.append(version)
    return applied


@contextmanager
def connect(target: object = None):
    """Open a migrated connection to ``target`` (see :func:`resolve_target`); closed on exit."""
    target = resolve_target(target)
    conn = _open(target)
    try:
        if target not in _migrated:
            with _lock:
                migrate(conn)
                _migrated.add(target)
        yield conn
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.close()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_feedback(conn: _Connection, text: str, predicted: str, corrected: str, model_version=None,
                 document_id=None, url=None) -> tuple[str, bool]:
    """Store one correction; a repeat of (text, corrected, document_id) is not stored again.

    Returns
    -------
    tuple
        ``(id, created)``: the row's id and whether this call inserted it.
    """
    key = (text_key(text), corrected, document_id or "")
    new_id = uuid.uuid4().hex
    cursor = conn.execute(
        "INSERT INTO feedback (id, text, text_sha256, predicted, corrected, model_version, document_id, url, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (text_sha256, corrected, document_id) "
        "DO NOTHING", (new_id, text, key[0], predicted, corrected, model_version, key[2], url, _now()))
    created = cursor.rowcount == 1
    row = conn.execute("SELECT id FROM feedback WHERE text_sha256 = ? AND corrected = ? AND document_id = ?",
                       key).fetchone()
    conn.commit()
    return row[0], created


def all_feedback(conn: _Connection) -> list[dict]:
    """Every stored correction, oldest first, as dicts of :data:`COLUMNS`."""
    rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY created_at, id").fetchall()
    out = []
    for row in rows:
        item = dict(zip(COLUMNS, row))
        item["document_id"] = item["document_id"] or None
        out.append(item)
    return out


__all__ = ["add_feedback", "all_feedback", "connect", "migrate", "resolve_target"]
