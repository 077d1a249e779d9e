"""Records every name lookup and socket connect of a Python process (and its Python children).

Put this directory first on PYTHONPATH and name a file in ARCHIVER_TEST_LOOKUP_LOG:
Python imports ``sitecustomize`` at start-up, and the audit hook below appends one
JSON line per ``socket.getaddrinfo``, ``socket.gethostbyname``, ``socket.gethostbyname_ex``
and ``socket.connect`` event. Audit hooks see every call, from any library or
thread (Twisted's resolver, urllib3, requests), and cannot be removed once added.
"""

import json
import os
import sys

_LOG = os.environ.get("ARCHIVER_TEST_LOOKUP_LOG")
_LOOKUPS = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"}


def _record(event: str, args: tuple) -> None:
    if event in _LOOKUPS:
        host = args[0]
        entry = {"event": event, "host": host.decode("idna") if isinstance(host, bytes) else str(host)}
    elif event == "socket.connect":
        address = args[1]
        entry = {"event": event, "address": list(address) if isinstance(address, tuple) else str(address)}
    else:
        return
    entry["pid"] = os.getpid()
    with open(_LOG, "a", encoding="utf-8") as fh:   # one short write: lines from processes do not interleave
        fh.write(json.dumps(entry) + "\n")


if _LOG:
    sys.addaudithook(_record)
