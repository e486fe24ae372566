"""Notifications: events (an open registry) and the webhook sink that delivers them.

Usage::

    sink.publish(Event.create(EventType.QUOTA_THRESHOLD, client="acme", threshold=0.8))
"""

from notifications.events import Event, EventType
from notifications.webhooks import (
    SIGNATURE_HEADER,
    Delivery,
    WebhookSink,
    sign,
    verify_signature,
)

__all__ = [
    "SIGNATURE_HEADER",
    "Delivery",
    "Event",
    "EventType",
    "WebhookSink",
    "sign",
    "verify_signature",
]
