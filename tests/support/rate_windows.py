"""Rate-limit tests count within one fixed window; this starts them early in a fresh one.

Usage::

    wait_for_fresh_window()   # at most ``margin`` seconds of waiting
"""

from __future__ import annotations

import time


def wait_for_fresh_window(window: int = 60, margin: float = 5.0) -> None:
    """Counters use fixed windows aligned to the clock; start a burst well inside one."""
    left = window - time.time() % window
    if left < margin:
        time.sleep(left + 0.05)
