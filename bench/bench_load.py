"""Benchmark: load, validate and compile 1,000 service files.

Run by hand: `python bench/bench_load.py [--files 1000] [--repeat 3] [--cache]
[--source FILE] [--check-process N]`. Copies the seed services (or FILE) under new ids into
a temporary folder, then times `khidma.definitions.loader.load` over the whole folder:
cold (every run parses), or with `--cache` (the first run fills the definition cache, the
later ones read it). `--check-process N` also times `khidma check` of one file as a whole
process (interpreter start, imports, one load), N times. Prints one line per run and the
best time; paste the result into docs/performance.md with the machine's load (`uptime`).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_corpus(folder: Path, count: int, source: Path | None = None) -> int:
    sources = [source] if source else sorted((ROOT / "services.d").glob("*.yaml"))
    services = []
    for src in sources:
        text = src.read_text(encoding="utf-8")
        if re.search(r"^kind:\s*lists", text, re.M):
            (folder / src.name).write_text(text, encoding="utf-8")
        else:
            services.append(text)
    if not services:
        services = [(ROOT / "tests/engine/fixtures/minimal.yaml").read_text(encoding="utf-8")]
    total_bytes = 0
    for i in range(count):
        text = services[i % len(services)]
        suffix = f"_{i:04d}"
        text = re.sub(r"^id:\s*(\S+)", rf"id: \g<1>{suffix}", text, count=1, flags=re.M)
        (folder / f"service_{i:04d}.yaml").write_text(text, encoding="utf-8")
        total_bytes += len(text.encode())
    return total_bytes


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--source",
        type=Path,
        default=None,
        help="copy this one service file instead of the seed services",
    )
    parser.add_argument(
        "--cache",
        action="store_true",
        help="use the definition cache: the first run fills it, later runs hit it",
    )
    parser.add_argument(
        "--check-process",
        type=int,
        default=0,
        metavar="N",
        help="also time `khidma check FILE` as a process, N times",
    )
    args = parser.parse_args()
    if args.check_process:
        check_process(
            args.source or ROOT / "docs/examples/municipal_permit.yaml", args.check_process
        )
    from khidma.definitions.cache import DefinitionCache
    from khidma.definitions.loader import load

    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as cache_dir:
        folder = Path(tmp)
        cache = DefinitionCache(cache_dir) if args.cache else None
        size = make_corpus(folder, args.files, args.source)
        times, cpu = [], []
        for run in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            result = load([folder], cache=cache)
            elapsed = time.perf_counter() - start
            times.append(elapsed)
            cpu.append(time.process_time() - start_cpu)
            if result.problems:
                print("\n".join(map(str, result.problems[:10])))
                return 1
            print(
                f"run {run + 1}: {len(result.services)} services in {elapsed:.3f} s "
                f"(cpu {cpu[-1]:.3f} s)"
            )
        print(
            f"files={args.files} bytes={size} best={min(times):.3f}s "
            f"median={statistics.median(times):.3f}s cpu_best={min(cpu):.3f}s "
            f"per_file={min(times) / args.files * 1000:.2f}ms "
            f"cache={'on' if cache else 'off'} cpus={os.cpu_count()} "
            f"python={sys.version.split()[0]}"
        )
    return 0


def check_process(source: Path, repeat: int) -> None:
    """`khidma check` of one file, as an author runs it: a new interpreter each time."""
    times, cpu = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            [sys.executable, "-m", "khidma.cli", "check", "-q", str(source)],
            capture_output=True,
            check=False,
        )
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if done.returncode != 0:
            print(done.stdout.decode(), done.stderr.decode())
            raise SystemExit(1)
    print(
        f"khidma check {source.name} as a process: best={min(times) * 1000:.0f}ms "
        f"median={statistics.median(times) * 1000:.0f}ms "
        f"cpu best={min(cpu) * 1000:.0f}ms runs={repeat}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
