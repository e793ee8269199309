"""The sync soak: the stateful machine of tests/sync/test_stateful.py, ≥ 1,000 randomized runs.

Each run is one example of the machine: 2–5 client folders (officers, two folders of one user,
the supervisor of district 210102) against the real server in a subprocess, random edits of
every entity and op, clashes, assignments, syncs in random orders over a faulty network,
crashes at the engine's named points with a restart, conflict resolutions, discarded
refusals — then everything settles and the five invariants of design.md §3 are checked.
Violations are counted (and each written out with the run's steps) instead of stopping the
soak at the first.

    python bench/sync_soak.py [--runs 1000] [--seed 1] [--database sqlite|postgresql]
                              [--steps 20] [--fresh-every 100] [--out bench/out/soak]

The server starts on a fresh database every ``--fresh-every`` runs, so a supervisor's first
pull (their whole district) stays small. Exits 1 when any invariant was violated.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# Nothing here may touch the user's keyring or server folders.
os.environ["LIAISON_SERVER_DATA"] = tempfile.mkdtemp(prefix="liaison-soak-server-")


def _memory_keyring() -> None:
    import keyring

    from tests.conftest import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())


def _server(stack: ExitStack, database: str, folder: Path):  # type: ignore[no-untyped-def]
    from tests.sync.harness import SyncServer

    if database == "postgresql":
        from tests.server.conftest import scratch_pg

        url = stack.enter_context(scratch_pg())
    else:
        url = f"sqlite+pysqlite:///{folder / 'server.sqlite3'}"
    server = SyncServer(folder, url)
    server.admin("migrate")
    server.start()
    stack.callback(server.stop)
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--steps", type=int, default=20, help="rules per run")
    parser.add_argument("--fresh-every", type=int, default=100, metavar="RUNS")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "soak")
    args = parser.parse_args(argv)

    _memory_keyring()
    from hypothesis import HealthCheck, Phase, settings

    from tests.sync.test_stateful import Stats, World, run

    args.out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="liaison-soak-"))
    total = Stats()
    started = time.monotonic()
    chunk = 0
    while total.runs < args.runs:
        size = min(args.fresh_every, args.runs - total.runs)
        with ExitStack() as stack:
            server = _server(stack, args.database, scratch / f"server{chunk}")
            world = World(server, scratch / f"runs{chunk}", soak=True)
            stack.callback(world.close)
            profile = settings(
                max_examples=size,
                stateful_step_count=args.steps,
                phases=[Phase.generate],
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            )
            run(world, profile, seed=args.seed * 100_003 + chunk)
        _add(total, world.stats)
        # Each failure is written out as soon as its chunk ends (a long soak can be read
        # while it runs, and a killed one keeps what it found).
        stories = world.stats.violations + world.stats.errors
        for n, story in enumerate(stories):
            (args.out / f"chunk{chunk}-failure{n}.txt").write_text(story, encoding="utf-8")
        chunk += 1
        done = time.monotonic() - started
        print(  # noqa: T201 - progress of a long run
            f"  {total.runs} runs, {sum(total.operations.values())} operations, "
            f"{len(total.violations)} violations, {len(total.errors)} errors, {done:.0f} s",
            flush=True,
        )
    elapsed = time.monotonic() - started
    _print(args, total, elapsed)
    return 1 if total.violations or total.errors else 0


def _add(total, stats) -> None:  # type: ignore[no-untyped-def]
    for name, value in vars(stats).items():
        mine = getattr(total, name)
        if isinstance(value, Counter):
            mine.update(value)
        elif isinstance(value, list):
            mine.extend(value)
        else:
            setattr(total, name, mine + value)


def _print(args: argparse.Namespace, s, elapsed: float) -> None:  # type: ignore[no-untyped-def]
    def line(label: str, value: object) -> None:
        print(f"{label:<28}{value}")  # noqa: T201 - the report

    ops = sum(s.operations.values())
    print(f"\nsync soak: {args.database}, seed {args.seed}, {args.steps} steps a run")  # noqa: T201
    line("runs", s.runs)
    line("operations", ops)
    line("  by rule", ", ".join(f"{k} {v}" for k, v in sorted(s.operations.items())))
    line("  refused by a service", s.refused_locally)
    line("syncs", f"{s.syncs} ({s.failed_syncs} stopped by a fault)")
    line("faults injected", sum(s.faults.values()))
    line("  by kind", ", ".join(f"{k} {v}" for k, v in sorted(s.faults.items())))
    line("crashes", sum(s.crashes.values()))
    line("  by point", ", ".join(f"{k} {v}" for k, v in sorted(s.crashes.items())))
    line("conflicts", f"{s.conflicts} ({s.resolutions} resolved by a rule)")
    line("rejections", f"{s.rejections} ({s.discards} discarded or sent again)")
    line("assignments / withdrawals", f"{s.assignments} / {s.withdrawals}")
    line("mutations checked", f"{s.mutations} ({s.replayed} replayed into a fresh server)")
    line("invariant violations", len(s.violations))
    line("other errors", len(s.errors))
    line("elapsed", f"{elapsed:.0f} s ({elapsed / max(s.runs, 1):.2f} s a run)")
    if s.violations or s.errors:
        line("failures written to", args.out)


if __name__ == "__main__":
    raise SystemExit(main())
