"""Figure 3: two processes upserting one Delta ops table at once lose and duplicate nothing.

Two writer processes MERGE `lakepilot.ops.conversations` rows through the production `LocalOpsStore`
(batches of 3, every key written twice, 21 keys written by both), while a third process runs the
maintenance task's compaction on the same table in a loop and a fourth reads it in a loop. All start
together (a start file). Afterwards, from the Delta table itself:

* 0 duplicated: rows == distinct natural keys, and every key was *inserted* exactly once overall;
* 0 lost: every key written is there, and each key holds the last value one of the writers wrote
  for it (an older value would mean a later write was lost);
* commit retries stay within `with_commit_retries`' bound (8 attempts = 7 retries);
* the reader never saw a duplicate key mid-way.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

from include.config import PROJECT_ROOT
from include.lakehouse.delta_store import with_commit_retries
from include.ops.models import ConversationTurn
from include.ops.store import LocalOpsStore
from tests.reliability.ops_race import key_of

WRITERS = {"A": (0, 45), "B": (24, 70)}
ROUNDS = 2


def _spawn(role: str, root: Path, start: Path, log: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.ops_race", role, "--root", str(root), "--start", str(start),
         "--log", str(log), *extra],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def test_two_writer_processes_lose_and_duplicate_nothing(tmp_path: Path, figures) -> None:
    root, start, stop = tmp_path / "lake", tmp_path / "start", tmp_path / "stop"
    root.mkdir()
    logs = {w: tmp_path / f"writer-{w}.jsonl" for w in WRITERS}
    writers = {w: _spawn("write", root, start, logs[w], "--writer", w, "--first", str(a), "--last", str(b),
                         "--rounds", str(ROUNDS)) for w, (a, b) in WRITERS.items()}
    compactor = _spawn("compact", root, start, tmp_path / "compact.json", "--stop", str(stop))
    reader = _spawn("read", root, start, tmp_path / "read.json", "--stop", str(stop))
    start.touch()
    try:
        for w, proc in writers.items():
            out, _ = proc.communicate(timeout=240)
            assert proc.returncode == 0, f"writer {w} failed:\n{out[-3000:]}"
    finally:
        stop.touch()
        for proc in (compactor, reader):
            out, _ = proc.communicate(timeout=120)
            assert proc.returncode == 0, out[-3000:]

    entries = [json.loads(line) for w in WRITERS for line in logs[w].read_text().splitlines()]
    rows = LocalOpsStore(root).read(ConversationTurn)
    by_key = {r.key(): r for r in rows}
    written = {key_of(k) for e in entries for k in e["keys"]}
    last: dict[tuple[str, int], set[str]] = {}
    for w in WRITERS:
        final: dict[tuple[str, int], str] = {}
        for e in (e for e in entries if e["writer"] == w):
            for k in e["keys"]:
                final[key_of(k)] = e["value"]
        for key, value in final.items():
            last.setdefault(key, set()).add(value)

    duplicated = len(rows) - len(by_key)
    inserted = sum(e["inserted"] for e in entries)
    lost_keys = sorted(written - set(by_key))
    lost_updates = sorted(k for k, r in by_key.items() if r.answer not in last.get(k, set()))
    max_retries = max(e["retries"] for e in entries)
    bound = inspect.signature(with_commit_retries).parameters["attempts"].default - 1
    reads = json.loads((tmp_path / "read.json").read_text())
    compactions = json.loads((tmp_path / "compact.json").read_text())["compactions"]
    both = {key_of(k) for k in range(*WRITERS["B"])} & {key_of(k) for k in range(*WRITERS["A"])}

    assert len(entries) == sum(-(-(b - a) // 3) * ROUNDS for a, b in WRITERS.values())
    assert len(both) == 21 and compactions >= 1 and reads
    detail = f"{len(entries)} upserts, {len(written)} keys ({len(both)} by both), {compactions} compactions, {len(reads)} reads"
    figures.record("ops_race.duplicated_rows", duplicated + (inserted - len(written)), "0 (rows = distinct keys; each key inserted once)",
                   duplicated == 0 and inserted == len(written), detail=detail)
    figures.record("ops_race.lost_rows", len(lost_keys) + len(lost_updates), "0 (every key present with a writer's last value)",
                   not lost_keys and not lost_updates, detail=f"lost keys {lost_keys[:5]}, stale values {lost_updates[:5]}")
    figures.record("ops_race.max_commit_retries", max_retries, f"<= {bound} (with_commit_retries bound)", max_retries <= bound,
                   detail="commits are serialised by the per-table file lock; the retry loop is its backstop")
    torn = [r for r in reads if r["rows"] != r["keys"]]
    figures.record("ops_race.reader_saw_duplicates", len(torn), f"0 of {len(reads)} concurrent reads", not torn)
