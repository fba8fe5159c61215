"""Benchmark: load, validate and compile 1,000 service files.

Run by hand: `python bench/bench_load.py [--files 1000] [--repeat 3]`. Copies the seed
services (and the test fixture) under new ids into a temporary folder, then times
`khidma.definitions.loader.load` over the whole folder. Prints one line per run and the
best time; paste the result into docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
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
    args = parser.parse_args()
    from khidma.definitions.cache import DefinitionCache
    from khidma.definitions.loader import load

    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as cache_dir:
        folder = Path(tmp)
        cache = DefinitionCache(cache_dir) if args.cache else None
        size = make_corpus(folder, args.files, args.source)
        times = []
        for run in range(args.repeat):
            start = time.perf_counter()
            result = load([folder], cache=cache)
            elapsed = time.perf_counter() - start
            times.append(elapsed)
            if result.problems:
                print("\n".join(map(str, result.problems[:10])))
                return 1
            print(f"run {run + 1}: {len(result.services)} services in {elapsed:.3f} s")
        print(
            f"files={args.files} bytes={size} best={min(times):.3f}s "
            f"median={statistics.median(times):.3f}s "
            f"per_file={min(times) / args.files * 1000:.2f}ms "
            f"cache={'on' if cache else 'off'} cpus={os.cpu_count()} "
            f"python={sys.version.split()[0]}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
