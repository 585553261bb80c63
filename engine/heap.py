"""The Python heap of a long-running Spiral process (a web worker, the scheduler, a benchmark).

Once started, such a process holds some 180,000 objects it keeps until it exits (modules, the app, the parsed
processes and forms, the org snapshot). CPython's collector visits every one of them at each full collection —
about every 70th request that makes cycles, ~120 ms on 2 cores — which lands in some request's time as a spike.
`settle()` collects once and moves what is alive into the permanent generation (gc.freeze), so later full
collections visit only what requests make; it also keeps those pages shared between gunicorn's forked workers."""
from __future__ import annotations

import gc


def settle() -> None:
    """Collect, then take every object alive now out of the collector's reach (call at the end of start-up)."""
    gc.collect()
    gc.freeze()
