"""A throwaway PostgreSQL server for Airflow's metadata DB (end-to-end tests, local trials).

`initdb` refuses to run as root, so as root the server runs as an unprivileged system user
(`lakepilot-pg`, created once); otherwise as the current user. Loopback only, trust auth.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PG_USER = "lakepilot-pg"
_DB_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def _bin(name: str) -> str:
    path = shutil.which(name) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)), None
    )
    if not path:
        raise FileNotFoundError(f"PostgreSQL's {name} is not installed (looked on PATH and /usr/lib/postgresql)")
    return path


def _ensure_user() -> str | None:
    """The OS user to run PostgreSQL as (None = current user)."""
    if os.geteuid() != 0:
        return None
    exists = subprocess.run(["id", "-u", PG_USER], capture_output=True).returncode == 0  # noqa: S603,S607
    if not exists:
        subprocess.run(  # noqa: S603
            [shutil.which("useradd") or "/usr/sbin/useradd", "--system", "--no-create-home", "--shell",
             "/usr/sbin/nologin", PG_USER],
            check=True,
        )
    return PG_USER


@dataclass
class PostgresServer:
    """One PostgreSQL cluster listening on 127.0.0.1:`port`.

    Its files live in a fresh directory directly under the system temp dir (whose parents the
    unprivileged server user can traverse, unlike e.g. pytest's 0700 temp dirs).
    """

    port: int
    database: str = "airflow"
    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="lakepilot-pg-")))

    @property
    def url(self) -> str:
        return f"postgresql+psycopg2://airflow@127.0.0.1:{self.port}/{self.database}"

    def database_url(self, name: str) -> str:
        """SQLAlchemy URL of database `name` on this server, created if absent (one per Airflow stack)."""
        if not _DB_NAME.match(name):
            raise ValueError(f"database name {name!r} must be 1-63 of a-z, 0-9 and _ (starting with a letter)")
        self._create_database(name)
        return f"postgresql+psycopg2://airflow@127.0.0.1:{self.port}/{name}"

    def _run(self, argv: list[str], user: str | None, **kw: Any) -> subprocess.CompletedProcess[str]:
        if user:
            argv = ["runuser", "-u", user, "--", *argv]
        return subprocess.run(argv, capture_output=True, text=True, timeout=120, **kw)  # noqa: S603

    def start(self) -> PostgresServer:
        user = _ensure_user()
        data = self.directory / "data"
        sock = self.directory / "sock"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.directory.chmod(0o755)
        sock.mkdir(exist_ok=True)
        if user:
            shutil.chown(self.directory, user)
            shutil.chown(sock, user)
        if not (data / "PG_VERSION").is_file():
            result = self._run([_bin("initdb"), "-D", str(data), "-U", "airflow", "-A", "trust", "-E", "UTF8"], user)
            if result.returncode != 0:
                raise RuntimeError(f"initdb failed: {result.stderr[-2000:]}")
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {sock} -c fsync=off -c max_connections=200"
        result = self._run(
            [_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(self.directory / "postgres.log"), "-w", "start"],
            user,
        )
        if result.returncode != 0:
            log = (self.directory / "postgres.log").read_text(errors="replace")[-2000:] if (self.directory / "postgres.log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {result.stderr[-1000:]}\n{log}")
        self._user = user
        self._create_database()
        return self

    def dump(self, name: str) -> bytes:
        """`pg_dump` of database `name` (plain SQL): everything the database holds, for scans in tests."""
        result = subprocess.run(  # noqa: S603 - fixed argv
            [_bin("pg_dump"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "airflow", "--no-owner", name],
            capture_output=True, timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"pg_dump {name} failed: {result.stderr.decode(errors='replace')[-1000:]}")
        return result.stdout

    def _create_database(self, name: str | None = None) -> None:
        import psycopg2

        name = name or self.database

        deadline = time.monotonic() + 30
        while True:
            try:
                conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="airflow", dbname="postgres")
                break
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{name}"')  # noqa: S608 - checked identifier (_DB_NAME)
        conn.close()

    def stop(self, remove: bool = True) -> None:
        """Stop the server (and delete its files unless `remove` is False)."""
        self._run([_bin("pg_ctl"), "-D", str(self.directory / "data"), "-m", "fast", "-w", "stop"], getattr(self, "_user", None))
        if remove:
            shutil.rmtree(self.directory, ignore_errors=True)
