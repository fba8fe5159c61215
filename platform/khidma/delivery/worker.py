"""The delivery worker: passes of `deliver_due` for as long as it runs, and the clean-up
job every `CLEANUP_INTERVAL_MINUTES`.

It runs as `khidma worker` (its own process, any number of them: the claim shares the
work) or as a thread of `khidma run` (`in_process_delivery`). An idle worker looks for
due messages every `DELIVERY_POLL_SECONDS`; a thread in the web process is also woken as
soon as a transaction that queued a message commits. With a backlog it goes straight on
to the next batch. A failed pass (the database restarting, say) is logged and tried
again at the next poll: the worker does not die of it.

Stopping (SIGTERM, SIGINT, `stop()`) finishes the message in hand, hands the rest of
the batch back to the outbox for other workers, and returns.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from khidma.delivery.cleanup import clean_up
from khidma.delivery.dispatcher import PassResult
from khidma.delivery.dispatcher import deliver_due
from khidma.delivery.senders import Sender
from khidma.delivery.settings import DeliverySettings
from khidma.storage import outbox
from khidma.storage.models import Channel

if TYPE_CHECKING:
    from flask import Flask

    from khidma.storage.db import Database

log = logging.getLogger("khidma.delivery")


@dataclass(frozen=True)
class Job:
    """Work the worker does every `every` besides delivery (payment reconciliation): a
    failure is logged and the job tried again at its next turn."""

    name: str
    every: dt.timedelta
    run: Callable[[], object]


class Worker:
    def __init__(
        self,
        database: Database,
        senders: dict[Channel, Sender],
        settings: DeliverySettings,
        *,
        blobs: object | None = None,
        cleanup: bool = True,
        jobs: Sequence[Job] = (),
    ) -> None:
        self.database = database
        self.jobs = tuple(j for j in jobs if j.every.total_seconds() > 0)
        self.senders = senders
        self.settings = settings
        self.blobs = blobs
        self.cleanup = cleanup and settings.cleanup_interval.total_seconds() > 0
        self.stopping = threading.Event()
        self._wake = threading.Event()
        self.passes = 0

    def stop(self) -> None:
        """Finish the message in hand, then return from `run`."""
        self.stopping.set()
        self._wake.set()

    def wake(self) -> None:
        """Look for due messages now rather than at the next poll."""
        self._wake.set()

    def run(self, *, once: bool = False) -> None:
        """Deliver until stopped; with `once`, until nothing is due any more."""
        self._announce()
        next_cleanup = time.monotonic()
        next_job = {job.name: time.monotonic() for job in self.jobs}
        try:
            while not self.stopping.is_set():
                self._wake.clear()
                result = self._pass()
                for job in self.jobs:
                    if time.monotonic() >= next_job[job.name]:
                        self._run_job(job)
                        next_job[job.name] = time.monotonic() + job.every.total_seconds()
                if self.cleanup and time.monotonic() >= next_cleanup:
                    self._clean_up()
                    next_cleanup = time.monotonic() + self.settings.cleanup_interval.total_seconds()
                backlog = result is not None and result.claimed >= self.settings.batch
                if backlog:
                    continue
                if once:
                    break
                self._wake.wait(self.settings.poll_seconds)
        finally:
            for sender in self.senders.values():
                close = getattr(sender, "close", None)
                if callable(close):
                    close()
            log.info("worker stopped after %d pass(es)", self.passes)

    def _pass(self) -> PassResult | None:
        try:
            result = deliver_due(
                self.database,
                self.senders,
                policy=self.settings.policy,
                batch=self.settings.batch,
                stop=self.stopping,
            )
        except Exception:
            log.exception("delivery pass failed; trying again in %g s", self.settings.poll_seconds)
            return None
        self.passes += 1
        return result

    def _clean_up(self) -> None:
        try:
            clean_up(
                self.database,
                self.blobs,
                draft_ttl=self.settings.draft_ttl,
                grace=self.settings.blob_grace,
            )
        except Exception:
            log.exception("clean-up failed; trying again at the next interval")

    def _run_job(self, job: Job) -> None:
        try:
            job.run()
        except Exception:
            log.exception("%s failed; trying again in %s", job.name, job.every)

    def _announce(self) -> None:
        for channel in Channel:
            sender = self.senders.get(channel)
            if sender is None:
                log.warning("no %s gateway configured: %s messages stay queued", channel, channel)
            else:
                log.info("%s through %r", channel, sender)

    def handle_signals(self) -> Callable[[], None]:
        """Stop gracefully on SIGTERM and SIGINT (main thread only); returns the
        function that puts the previous handlers back."""

        def graceful(signum: int, _frame: Any) -> None:
            log.info("%s: stopping after the message in hand", signal.Signals(signum).name)
            self.stop()

        previous = {s: signal.signal(s, graceful) for s in (signal.SIGTERM, signal.SIGINT)}

        def restore() -> None:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

        return restore


def worker_for(app: Flask, *, cleanup: bool = True, **changes: Any) -> Worker:
    """A worker with the app's database, blob store and delivery settings (`changes`
    override `DeliverySettings` fields, e.g. `poll_seconds`)."""
    from dataclasses import replace

    settings = replace(DeliverySettings.from_config(app.config), **changes)
    return Worker(
        app.extensions["khidma.db"],
        settings.senders(),
        settings,
        blobs=app.extensions.get("khidma.blobs"),
        cleanup=cleanup,
        jobs=app_jobs(app),
    )


def app_jobs(app: Flask) -> tuple[Job, ...]:
    """The periodic jobs of the app's features: payment reconciliation every
    `PAYMENT_RECONCILE_MINUTES` (5; 0 turns it off) when online payment is on."""
    jobs = []
    if app.extensions.get("khidma.payments") is not None:
        from khidma.payments.cli import run_reconciliation

        minutes = float(app.config.get("PAYMENT_RECONCILE_MINUTES", 5))
        jobs.append(
            Job(
                "payment reconciliation",
                dt.timedelta(minutes=minutes),
                lambda: run_reconciliation(app),
            )
        )
    return tuple(jobs)


@contextmanager
def in_process_delivery(app: Flask, **changes: Any) -> Iterator[Worker]:
    """Deliver in a background thread of this process while the block runs (`khidma
    run` in development; browser tests). Stops at the end of the block, after the
    message in hand."""
    worker = worker_for(app, **changes)
    thread = threading.Thread(target=worker.run, name="khidma-delivery", daemon=True)
    unlisten = outbox.add_wake_listener(worker.wake)
    thread.start()
    try:
        yield worker
    finally:
        unlisten()
        worker.stop()
        thread.join(timeout=2 * worker.settings.policy.send_budget.total_seconds())


def log_to_console(level: int = logging.INFO) -> None:
    """Show the platform's log lines on stderr, unless logging is configured already."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    khidma = logging.getLogger("khidma")
    if not khidma.handlers:
        khidma.addHandler(handler)
    if khidma.level == logging.NOTSET or khidma.level > level:
        khidma.setLevel(level)
