"""Child processes for the concurrent-writer proof (run as `python -m tests.reliability.ops_race ...`).

`write`: many upserts of `lakepilot.ops.conversations` rows through the production `LocalOpsStore`,
each logged (keys, the value written, inserted/updated counts, commit retries) as JSON lines.
`compact`: the maintenance task's `compact_tables` over and over (it rewrites the same table).
`read`: reads the table over and over and logs how many rows and distinct keys it saw.
All wait for a start file so they begin together, and stop at a stop file (compact, read) or
when done (write).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from include.lakehouse.maintenance import compact_tables
from include.ops.models import ConversationTurn
from include.ops.store import LocalOpsStore

BATCH = 3


def key_of(k: int) -> tuple[str, int]:
    return f"race-{k % 7}", k


def _wait(path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} never appeared")
        time.sleep(0.01)


def write(root: Path, writer: str, first: int, last: int, rounds: int, log: Path) -> None:
    store = LocalOpsStore(root)
    keys = list(range(first, last))
    with log.open("w") as out:
        seq = 0
        for r in range(rounds):
            for i in range(0, len(keys), BATCH):
                chunk = keys[i:i + BATCH]
                seq += 1
                value = f"{writer}:{seq}"
                rows = [ConversationTurn(session_id=key_of(k)[0], turn=key_of(k)[1], question=f"round {r}",
                                         answer=value) for k in chunk]
                result = store.upsert(rows)
                out.write(json.dumps({"writer": writer, "seq": seq, "keys": chunk, "value": value,
                                      "inserted": result.inserted, "updated": result.updated,
                                      "retries": result.commit_retries}) + "\n")
                out.flush()


def compact(root: Path, stop: Path, log: Path) -> None:
    runs = 0
    while not stop.exists():
        compact_tables(root, min_commits=1)
        runs += 1
        time.sleep(0.05)
    log.write_text(json.dumps({"compactions": runs}))


def read(root: Path, stop: Path, log: Path) -> None:
    store = LocalOpsStore(root)
    seen = []
    while not stop.exists():
        rows = store.read(ConversationTurn)
        seen.append({"rows": len(rows), "keys": len({r.key() for r in rows})})
        time.sleep(0.02)
    log.write_text(json.dumps(seen))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["write", "compact", "read"])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--start", type=Path, required=True)
    parser.add_argument("--stop", type=Path)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--writer", default="A")
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--last", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    _wait(args.start)
    if args.role == "write":
        write(args.root, args.writer, args.first, args.last, args.rounds, args.log)
    elif args.role == "compact":
        compact(args.root, args.stop, args.log)
    else:
        read(args.root, args.stop, args.log)


if __name__ == "__main__":
    main()
