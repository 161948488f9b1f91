"""How curhat-tui uses Matrix rooms: event types and the shape of their content.

Rooms
- the queue room (alias #curhat-queue): intake, on-duty counselors and supervisors.
  State `org.curhat.queue` keyed by the client's room id is one queue entry.
  Counselors claim with an `org.curhat.claim` message event; the intake service
  arbitrates in timeline order, so the first claim wins.
- a client room per client: the client, the intake account, then the counselor.
  State `org.curhat.intake` holds consent and intake answers; `org.curhat.session`
  holds tier, minutes, deadline, status and counselor, so every workstation and
  supervisor sees the same session.
- the supervisors' room (alias #curhat-supervisors): red-flag alerts. Members the
  intake service gave SUPERVISOR_POWER are the supervisors.
- a supervision room per counselor (alias #curhat-sv-<name>): see
  `channels.matrix_supervision`.
"""

from __future__ import annotations

QUEUE_ALIAS = "curhat-queue"
SUPERVISORS_ALIAS = "curhat-supervisors"

QUEUE_ENTRY = "org.curhat.queue"
CLAIM = "org.curhat.claim"
INTAKE = "org.curhat.intake"
SESSION = "org.curhat.session"
ALERT = "org.curhat.alert"

WAITING, TAKEN, CLOSED, LEFT = "waiting", "taken", "closed", "left"
ACTIVE, TRANSFER, ENDED = "active", "transfer", "ended"

COUNSELOR_POWER = 50  # enough to send custom state events (Synapse's state_default)
SUPERVISOR_POWER = 50  # in the supervisors' room: who holds it there is a supervisor (set by the intake service)


def server_of(user_id: str) -> str:
    return user_id.split(":", 1)[1]


def alias(local: str, user_id: str) -> str:
    return f"#{local}:{server_of(user_id)}"
