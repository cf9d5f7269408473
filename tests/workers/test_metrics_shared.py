"""Metrics shared through Redis: what several processes record adds up, and any process
shows the totals as the same series a process of the embedded mode shows its own."""

from __future__ import annotations

import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.metrics import BUCKETS, DURATIONS, FAILURES, TASKS, WORKER_TASKS, Metrics, SharedMetrics
from tests.servers.postgres import free_port
from tests.workers.support import Samples, sample, samples

BOUNDS = ("0.01", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "30.0", "60.0")
BOUNDS += ("120.0", "300.0", "600.0", "1800.0", "+Inf")


def buckets(found: Samples, task: str) -> list[float]:
    """The cumulative bucket counts of one task's durations, smallest bound first."""
    return [sample(found, f"{DURATIONS}_bucket", task=task, le=le) for le in BOUNDS]


def record(metrics: Metrics, part: int) -> None:
    """Half of a known set of observations: ``part`` 0 or 1, as two workers would."""
    if part == 0:
        metrics.batch_stored(5, 1, 0.03)
        metrics.observe("enrich_batch", 0.2)
        metrics.task_failed("sync_folder")
    else:
        metrics.task_failed("sync_folder")
        metrics.task_failed("refresh")
        metrics.batch_stored(4, 0, 0.07)
        metrics.batch_stored(0, 2, 3.0)
        metrics.observe("enrich_batch", 0.25)  # on a bound: counted in that bucket
        metrics.observe("topics_rebuild", 4000.0)  # above every finite bound


def test_observations_of_two_workers_add_up_in_the_same_series_as_embedded(
    redis_url: str,
) -> None:
    assert len(BOUNDS) == len(BUCKETS)
    workers = [Metrics(SharedMetrics.from_url(redis_url)) for _ in range(2)]
    api = Metrics(SharedMetrics.from_url(redis_url))
    before = samples(api.exposition().decode())
    for part, worker in enumerate(workers):
        record(worker, part)

    shown = samples(api.exposition().decode())

    assert buckets(shown, "sync_batch") == [0, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3]
    assert sample(shown, f"{DURATIONS}_count", task="sync_batch") == 3
    assert sample(shown, f"{DURATIONS}_sum", task="sync_batch") == pytest.approx(3.1)
    assert buckets(shown, "enrich_batch") == [0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]
    assert sample(shown, f"{DURATIONS}_sum", task="enrich_batch") == pytest.approx(0.45)
    assert buckets(shown, "topics_rebuild") == [0] * 15 + [1]
    assert sample(shown, f"{DURATIONS}_sum", task="topics_rebuild") == 4000
    for task in ("sync_mailbox", "profile_batch", "lookalike_training"):
        assert buckets(shown, task) == [0] * 16
    assert sample(shown, "leadlens_messages_ingested_total") == 9
    assert sample(shown, "leadlens_messages_quarantined_total") == 3
    assert {task: sample(shown, f"{FAILURES}_total", task=task) for task in WORKER_TASKS} == {
        task: {"sync_folder": 2, "refresh": 1}.get(task, 0) for task in WORKER_TASKS
    }
    # every process of the cluster shows the totals, each series created once for all
    assert samples(workers[0].exposition().decode()) == shown
    created = {key: v for key, v in shown.items() if key[0].endswith("_created")}
    assert created == {key: v for key, v in before.items() if key[0].endswith("_created")}

    embedded = Metrics()
    record(embedded, 0)
    record(embedded, 1)
    alone = samples(embedded.exposition().decode())
    assert alone.keys() == shown.keys()
    assert len(created) == len(TASKS) + 2 + len(WORKER_TASKS)
    assert {k: v for k, v in alone.items() if k not in created} == pytest.approx(
        {k: v for k, v in shown.items() if k not in created}
    )


def test_a_pass_spread_over_folder_tasks_is_timed_by_its_last_folder(redis_url: str) -> None:
    shared = SharedMetrics.from_url(redis_url)
    shared.pass_started("mbx_1", ["INBOX", "Sent"])
    shared.pass_started("mbx_2", ["INBOX"])
    assert shared.folder_synced("mbx_1", "INBOX") is None
    assert shared.folder_synced("mbx_1", "INBOX") is None  # a task run again
    seconds = shared.folder_synced("mbx_1", "Sent")
    assert seconds is not None and 0 <= seconds < 60
    assert shared.folder_synced("mbx_1", "Sent") is None  # the pass is over
    assert shared.folder_synced("mbx_3", "INBOX") is None  # no pass known
    assert shared.folder_synced("mbx_2", "INBOX") is not None
    shared.close()


def test_without_redis_recording_goes_on_and_a_scrape_leaves_the_totals_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="leadlens.metrics")
    metrics = Metrics(SharedMetrics.from_url(f"redis://127.0.0.1:{free_port()}/0"))
    for _ in range(3):
        metrics.batch_stored(5, 0, 0.1)
        metrics.observe("enrich_batch", 0.1)
        metrics.task_failed("sync_folder")
    assert metrics.shared is not None
    metrics.shared.pass_started("mbx_1", ["INBOX"])
    assert metrics.shared.folder_synced("mbx_1", "INBOX") is None
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and warnings[0].startswith("metrics not shared until Redis")

    text = metrics.exposition().decode()

    names = {family.name for family in text_string_to_metric_families(text)}
    assert "process_cpu_seconds" in names
    assert not {name for name in names if name.startswith("leadlens_")}
    assert caplog.records[-1].getMessage().startswith("cluster metrics left out of this scrape")
