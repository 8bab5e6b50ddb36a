"""Who holds a claim, and whether that process still exists.

Claims (a send in ``sending``, a scheduler lease) carry ``host:pid[:suffix]``. A claim whose
process on this very machine is gone was left by a killed run and may be taken over at once;
claims from other machines are only taken over after their timeout.
"""

from __future__ import annotations

import os
import socket
import uuid


def process_holder(unique: bool = False) -> str:
    """``host:pid``, with a random suffix when one process makes several independent claims."""
    holder = f"{socket.gethostname()}:{os.getpid()}"
    return f"{holder}:{uuid.uuid4().hex[:8]}" if unique else holder


def is_dead_local_process(holder: str) -> bool:
    parts = holder.split(":")
    if len(parts) < 2 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # exists, but belongs to another user
        return False
    return False
