"""Editions on a Dask distributed cluster (``--cluster ADDRESS``, leaflet.cluster): a local
cluster of two worker processes on this machine renders the run's editions."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import assert_refused, pdfium_text, run_cli

try:
    import distributed
except ImportError:  # pragma: no cover - the cluster extra is not installed
    distributed = None

pytestmark = pytest.mark.skipif(
    distributed is None, reason="Dask distributed is not installed (pip install leaflet[cluster])"
)

STATEMENT = """\
---
title: "Buses for {{ town }}"
contact: "Meet at {{ place }}"
---

The buses of {{ town }} must run every ten minutes.
"""


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_a_run_on_a_local_cluster_writes_every_edition(tmp_path: Path, scheduler: str) -> None:
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    table = tmp_path / "towns.csv"
    rows = [["town", "place"], ["Leeds", "Hall 1"], ["York", "Hall 2"], ["Hull", "Hall 3"]]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    table.write_text(out.getvalue(), encoding="utf-8")
    result = run_cli(
        "render", source, "-f", "a5", "--editions", table, "-o", tmp_path / "out",
        "--cluster", scheduler,
    )  # fmt: skip
    assert result.code == 0, result.err
    for town, place in rows[1:]:
        text = pdfium_text((tmp_path / "out" / f"{town.lower()}.pdf").read_bytes())
        assert f"buses of {town}" in text and f"Meet at {place}" in text


def test_an_unreachable_scheduler_is_one_error(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    table = tmp_path / "towns.csv"
    table.write_text("town,place\nLeeds,Hall\n", encoding="utf-8")
    result = run_cli(
        "--time-limit", "30", "render", source, "--editions", table, "-o", tmp_path / "out",
        "--cluster", "tcp://127.0.0.1:9",
    )  # fmt: skip
    assert_refused(result, mentions="--cluster tcp://127.0.0.1:9")
    assert not (tmp_path / "out").exists()
