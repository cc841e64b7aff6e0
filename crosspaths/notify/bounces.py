"""Failure reports (RFC 3464 delivery status notifications) read back into Crosspaths.

A mail server that accepted a message and could not deliver it later sends a report
to the envelope sender: ``multipart/report; report-type=delivery-status`` with one
block per recipient (``Final-Recipient``, ``Action``, ``Status``). A recipient with
``Action: failed`` and a permanent status (5.x.x) marks the address as bounced
(``people_mark_bounced``); delayed or temporary ones (4.x.x) are ignored.
"""

from __future__ import annotations

import email
from email.message import Message
from email.policy import default as default_policy

from crosspaths.people.services import people_mark_bounced


def failed_recipients(raw: bytes) -> dict[str, str]:
    """{address: "status diagnostic"} for every permanent failure a report names;
    empty for anything that is not a delivery status report."""
    message = email.message_from_bytes(raw, policy=default_policy)
    if message.get_content_type() != "multipart/report":
        return {}
    if message.get_param("report-type") != "delivery-status":
        return {}
    failed: dict[str, str] = {}
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _status_blocks(part):
            address = _address(block.get("Final-Recipient") or block.get("Original-Recipient"))
            status = str(block.get("Status", "")).strip()
            if (
                address
                and str(block.get("Action", "")).strip().lower() == "failed"
                and status.startswith("5")
            ):
                diagnostic = str(block.get("Diagnostic-Code", "")).strip()
                failed[address] = f"{status} {diagnostic}".strip()
    return failed


def _status_blocks(part: Message) -> list[Message]:
    """The per-message and per-recipient header blocks of a delivery-status part
    (the parser gives them as sub-messages; their text is parsed when it does not)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    text = payload if isinstance(payload, str) else ""
    return [email.message_from_string(block) for block in text.replace("\r\n", "\n").split("\n\n")]


def _address(value: object) -> str:
    """``rfc822; someone@example.com`` -> ``someone@example.com``."""
    text = str(value or "").strip()
    return (
        text.split(";", 1)[1].strip().strip("<>").lower()
        if ";" in text
        else text.strip("<>").lower()
    )


def bounces_record(*, raw: bytes) -> dict[str, int]:
    """Mark every address a report says failed for good; {address: people marked}."""
    return {
        address: people_mark_bounced(email=address, reason=f"failure report: {words}")
        for address, words in failed_recipients(raw).items()
    }
