"""Venue client order ids derived deterministically from the action's client id.

The same action client id always maps to the same venue id, so a retry (even from another process)
can be recognised by the venue and looked up; each order leg (entry, stop-loss, take-profit) gets
its own id.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from connectors.perps.venues import VenueProfile

Leg = Literal["entry", "sl", "tp"]


def venue_client_order_id(profile: VenueProfile, client_id: str, leg: Leg = "entry") -> str:
    """The id sent to the venue for `client_id`'s `leg`, valid under the venue's format rules."""
    if not client_id:
        raise ValueError("client_id must be non-empty")
    rule = profile.client_id
    seed = client_id if leg == "entry" else f"{client_id}:{leg}"
    digest = hashlib.sha256(seed.encode()).hexdigest()
    if rule.hex128:
        return "0x" + digest[:32]
    readable = seed.replace(":", "-")
    if rule.accepts(readable):
        return readable
    derived = ("dfa" + digest)[: rule.max_len]
    if not rule.accepts(derived):
        raise ValueError(f"{profile.id}: cannot derive a valid client order id for {client_id!r}")
    return derived
