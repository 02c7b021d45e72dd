"""What the office allows a message to bring and cause: attachment caps, acknowledgement and
flood limits, quarantine. Read from `[intake]` (office.config); used by intake and the office."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IntakeSettings:
    max_attachment_bytes: int = 10 * 2**20
    max_total_bytes: int = 25 * 2**20
    ack_per_hour: int = 3
    quarantine_after: int = 3
    confidential_by_default: bool = False  # hide complainants from section copies unless lifted
    max_attachments: int = 50  # per message; a flood of tiny files is recorded, not stored
    hold_after: int = 10  # complaints per hour from one sender before the rest wait for staff; 0: never
