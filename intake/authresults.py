"""Authentication-Results (RFC 8601): did our receiving server see DKIM or DMARC pass for the
sender's domain? Only headers written by our own server (its authserv-id) are trusted; any
other Authentication-Results header may have been written by the sender. Pure."""

from __future__ import annotations

import re

RESULT = re.compile(r"\b(dkim|dmarc)\s*=\s*(\w+)([^;]*)", re.IGNORECASE)
PROPERTY = re.compile(r"\bheader\.(d|i|from)\s*=\s*\"?([^\s;\"]+)", re.IGNORECASE)


def _domain_matches(domain: str, sender_domain: str) -> bool:
    domain = domain.lstrip("@").lower().split("@")[-1]
    return sender_domain == domain or sender_domain.endswith("." + domain)


def authenticated(headers: tuple[str, ...], authserv_id: str, sender: str) -> bool:
    """True when a header from `authserv_id` shows dkim=pass or dmarc=pass for the sender's domain."""
    sender_domain = sender.rpartition("@")[2].lower()
    if not sender_domain or not authserv_id:
        return False
    for header in headers:
        head, _, rest = header.partition(";")
        if head.strip().split()[0:1] != [authserv_id]:
            continue
        for _method, result, props in RESULT.findall(rest):
            if result.lower() != "pass":
                continue
            for _, value in PROPERTY.findall(props):
                if _domain_matches(value, sender_domain):
                    return True
    return False
