"""Editions on a Dask cluster (``leaflet render … --editions T.csv --cluster ADDRESS``).

For runs that outgrow one machine (tens of thousands of editions, one per polling district),
the editions rendered in full are sent to an existing Dask distributed scheduler: each task
is :func:`leaflet.editions.render_task` (the filled statement's text, the options and the
limits in; the PDF, or the error, out), and the files are written here, as the answers come
back.  The workers need leaflet installed (``pip install leaflet[cluster]``) and the
statement's folder (its images) at the same path; the templates are leaflet's own or a
folder at the same path too.

Dask distributed is imported here only, and only for a run that asks for a cluster.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .errors import UsageError

if TYPE_CHECKING:
    from .editions import _Rendered, _Task

__all__ = ["render_on_cluster"]

#: Seconds to wait for the scheduler before giving up with an error naming it.
CONNECT_TIMEOUT = 20


def render_on_cluster(address: str, tasks: Iterable[_Task]) -> Iterator[_Rendered]:
    """The answers of *tasks* rendered on the Dask scheduler at *address*, as they end."""
    try:
        # Untyped: reached through Any.
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        raise UsageError(
            "--cluster needs Dask distributed: pip install 'leaflet[cluster]'"
        ) from None
    from .editions import _Rendered as Rendered
    from .editions import render_task, warm_worker

    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise UsageError(f"--cluster {address}: cannot reach the scheduler ({error})") from None
    try:
        client.run(warm_worker)  # every worker loads WeasyPrint and the fonts once
        tasks = list(tasks)
        futures = client.map(render_task, tasks, pure=False)
        index = {future.key: task.index for future, task in zip(futures, tasks, strict=True)}
        try:
            for future in distributed.as_completed(futures, loop=client.loop):
                try:
                    answer = future.result()
                except Exception as error:  # the worker died, or the task was lost
                    answer = Rendered(index[future.key], error=f"the worker failed: {error}")
                future.release()  # the cluster lets the answer go: a run holds no PDFs
                yield answer
        finally:
            client.cancel(futures)
    finally:
        client.close()
