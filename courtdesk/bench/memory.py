"""Memory measured by the benchmarks (its own module: the benchmark modules and the package both use it)."""

from __future__ import annotations

import sys


def peak_rss_mb() -> float | None:
    """This process's own peak resident memory in MB.

    Linux: ``VmHWM`` from /proc/self/status. ``getrusage``'s ``ru_maxrss`` is not used there because
    Linux keeps it across ``execve``, so a child started by a big parent would report the parent's peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale, 1)
