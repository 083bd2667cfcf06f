"""The local runtime: turns local writes into the CloudEvents Eventarc would send and calls functions/main.py."""

from badgeforge.runtime.local import LocalRuntime, load_main

__all__ = ["LocalRuntime", "load_main"]
