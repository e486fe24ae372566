"""The events Switchyard notifies about: an open registry, one name per kind.

Add a kind by adding a member (the resilience work will add circuit-breaker events);
sinks deliver every kind the same way.

Usage::

    event = Event.create(EventType.QUOTA_THRESHOLD, client="acme", threshold=0.8, month="2026-12")
    event.as_json()   # {"id": "...", "type": "quota.threshold", "created": ..., "data": {...}}
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["Event", "EventType"]


class EventType(StrEnum):
    #: A client's monthly spend reached a fraction of its plan's quota (0.8, 1.0).
    QUOTA_THRESHOLD = "quota.threshold"
    #: A client got many RATE_LIMITED errors within one hour.
    CLIENT_RATE_LIMITED = "client.rate_limited"


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    type: EventType
    created: float
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, type_: EventType, **data: Any) -> Event:
        return cls(id=uuid.uuid4().hex, type=type_, created=time.time(), data=data)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": str(self.type), "created": self.created, "data": self.data}
