"""Issued documents: serving a stored summary against drawing one, and what signing costs.

A request of `emirate_visit` is submitted through the wizard (test client, SQLite in a
temporary folder); then, each repeated N times:

- draw: the summary PDF as before (WeasyPrint, plain PDF);
- draw PDF/A-3: the same with the submission's JSON embedded (the archival variant);
- sign: PAdES signature of that PDF with pyHanko (the development EC P-256 key);
- issue: draw PDF/A-3 + QR + sign (what a download cost if nothing were stored);
- stored download: GET of the request's summary.pdf, served from the blob store.

Run by hand:  .venv/bin/python bench/bench_documents.py [--repeat 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from tests.drivers import make_app  # noqa: E402
from tests.drivers import sign_in  # noqa: E402
from tests.wizard.test_wizard_web import complete_emirate  # noqa: E402

from khidma.storage.models import Submission  # noqa: E402
from khidma.trust import documents  # noqa: E402
from khidma.trust import signing  # noqa: E402


def timed(repeat: int, action: Callable[[], object]) -> tuple[float, float]:
    """(median, min) milliseconds of `repeat` runs after one warm-up."""
    action()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs), min(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder))
        citizen = sign_in(app, "citizen")
        assert complete_emirate(app, citizen).submit().status_code == 302
        with app.extensions["khidma.db"].session() as session:
            submission = session.scalars(select(Submission)).one()
        definition = app.extensions["khidma.registry"].current(submission.service_id)
        url = f"/account/requests/{submission.token}/summary.pdf"
        assert citizen.get(url).status_code == 200

        with app.test_request_context():
            from khidma.renderer.pdf import EmbeddedFile
            from khidma.renderer.pdf import render_summary_pdf

            from khidma import formatting
            from khidma.engine.summary import build_summary

            summary = build_summary(definition, submission.answers, "ar")
            common = {
                "lang": "ar",
                "reference": submission.reference,
                "status_label": submission.status,
                "submitted_at": formatting.date_pair(submission.submitted_at, "ar"),
                "generated_at": formatting.date_pair(submission.submitted_at, "ar"),
            }
            embedded = [EmbeddedFile("submission.json", b"{}" * 2000, "data")]
            pdfa = render_summary_pdf(summary, variant="pdf/a-3b", files=embedded, **common)
            identity = documents.identity()
            rows = {
                "draw (plain PDF)": timed(
                    args.repeat, lambda: render_summary_pdf(summary, **common)
                ),
                "draw PDF/A-3 + JSON": timed(
                    args.repeat,
                    lambda: render_summary_pdf(
                        summary, variant="pdf/a-3b", files=embedded, **common
                    ),
                ),
                "sign (PAdES, pyHanko)": timed(args.repeat, lambda: signing.sign(pdfa, identity)),
                "issue (draw + QR + sign)": timed(
                    args.repeat,
                    lambda: documents.Drawing(
                        submission,
                        definition,
                        event="submitted",
                        lang="ar",
                        issued_at=submission.submitted_at,
                        code="bench",
                    ).render(),
                ),
                "check a signature": timed(
                    args.repeat, lambda: signing.check(citizen.get(url).data, identity)
                ),
            }
        rows["stored download (GET)"] = timed(args.repeat * 10, lambda: citizen.get(url).data)
        app.extensions["khidma.db"].dispose()
    for name, (median, best) in rows.items():
        print(f"{name:28} median {median:8.1f} ms   min {best:8.1f} ms")
    issue, stored = rows["issue (draw + QR + sign)"][0], rows["stored download (GET)"][0]
    print(f"stored download is {issue / stored:.0f}x faster than issuing (target >= 50x)")


if __name__ == "__main__":
    main()
