"""The hash chain of the access log, without the ORM (docs/security.md).

Each audit event stores ``hash``: SHA-256 over its canonical content and the hash of the
event before it (``prev_hash``; the first event links to ``GENESIS``). Changing, removing
or inserting an event anywhere breaks the link at that point, which
``manage.py audit_verify`` finds. The content is every column the event has except its
database id (given by the database at insert; the links fix the order) — user, username,
action, object, practice, patient, detail, client address, role, the time in UTC — and the
sorted ids of the patients it showed (``AuditEventPatient``).

Writing (``patients/audit.py``), the migration that chained the existing log (0023) and the
verification (``patients/auditverify.py``) all hash through :func:`entry_hash`, so the
three cannot drift apart.
"""

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64
VERSION = "v1"  # part of every hashed text: a later format gets a new version


@dataclass(frozen=True)
class Entry:
    """An audit event's hashed content, as written and as read back."""

    at: datetime
    user_id: int | None
    username: str
    action: str
    object_type: str
    object_id: str
    practice_id: int | None
    patient_id: int | None
    detail: str
    client_address: str | None
    role: str


# The columns of Entry in the order a query reads them (values_list in the verification).
COLUMNS = ("at", "user_id", "username", "action", "object_type", "object_id", "practice_id",
           "patient_id", "detail", "client_address", "role")


def _address(value: str | None) -> str | None:
    # PostgreSQL's inet writes some IPv6 forms differently from Python (::ffff:1.2.3.4):
    # both sides hash the address as Python's ipaddress spells it.
    return None if value is None else str(ipaddress.ip_address(value))


def canonical(entry: Entry, shown: Iterable[int], prev_hash: str) -> bytes:
    """The bytes hashed for one event: a JSON array in a fixed order, UTF-8."""
    content = [VERSION, prev_hash, entry.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
               entry.user_id, entry.username, entry.action, entry.object_type, entry.object_id,
               entry.practice_id, entry.patient_id, entry.detail, _address(entry.client_address),
               entry.role, sorted(shown)]
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(entry: Entry, shown: Iterable[int], prev_hash: str) -> str:
    """SHA-256 (hex) of the event's canonical content chained to ``prev_hash``."""
    return hashlib.sha256(canonical(entry, shown, prev_hash)).hexdigest()


def with_shown(events: Iterator[tuple], shown: Iterator[tuple[int, int]]
               ) -> Iterator[tuple[tuple, list[int]]]:
    """Pair each event row (its id first) with the ids of the patients it showed.

    Both streams come in event id order (``shown`` as (event id, patient id), sorted), so
    the two are read side by side, never held whole: a log of millions of rows is walked in
    the memory of one chunk. A shown row of an event not in ``events`` is passed over.
    """
    pending = next(shown, None)
    for row in events:
        while pending is not None and pending[0] < row[0]:
            pending = next(shown, None)
        ids = []
        while pending is not None and pending[0] == row[0]:
            ids.append(pending[1])
            pending = next(shown, None)
        yield row, ids
