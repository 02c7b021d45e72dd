"""Authentication-Results (RFC 8601): did *our* receiving server see DKIM or DMARC pass, aligned
with the From domain? Pure.

Only headers our own receiving chain added count (RFC 8601 §5): the Authentication-Results
headers bearing our authserv-id *above* the point where the message entered our servers.
Anything below that point, including an Authentication-Results header that names our
authserv-id, was written before we saw the message: by the sender, or by a server we do not
run. Each trusted header is read with a real RFC 8601 parser (authres), so text inside a
property value (`smtp.mailfrom="dkim=pass header.d=…"@…`) is a value, never a result.

Where the message entered is the first `Received` header, reading from the top, that our
server wrote (`by <authserv-id>`) for a connection from a host that is not ours; or, when
the office sets `[security] trusted_received = N`, the N-th `Received` header from the top.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import authres

# The hosts a hop from which is still inside our own chain (an LMTP or content-filter hop).
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[127.0.0.1]", "[::1]", "[ipv6:::1]"})
LOCAL_NAMES = LOCAL_HOSTS | {h.strip("[]") for h in LOCAL_HOSTS}  # as a from clause may write them
_BY = re.compile(r"\bby\s+([^\s;()]+)", re.IGNORECASE)
_FROM = re.compile(r"^\s*from\s+([^\s;()]+)(?:\s*\(([^)]*)\))?", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    passed: bool
    why: str  # for the book and the official's warning, in Bahasa Indonesia


def _received_hosts(value: str) -> tuple[str, set[str]]:
    """(the `by` host, the names and addresses the `from` clause gives) of a Received header."""
    by = _BY.search(value)
    m = _FROM.match(value)
    seen: set[str] = set()
    if m:
        seen.add(m.group(1).lower())
        seen.update(w.strip("[]").lower() for w in re.findall(r"[\w.:\[\]-]+", m.group(2) or ""))
    return (by.group(1).lower().rstrip(".") if by else ""), seen


def _entered_ours(value: str, authserv_id: str, own: frozenset[str]) -> bool:
    """Whether this Received header is our server accepting the message from outside."""
    by, source = _received_hosts(value)
    if by != authserv_id:
        return False
    inside = LOCAL_NAMES | {h.strip("[]") for h in (*own, authserv_id)} | own | {authserv_id}
    return bool(source - inside)  # a hop from a host we do not run


def trusted_headers(trace: tuple[tuple[str, str], ...], authserv_id: str, *,
                    trusted_received: int = 0, own_hosts: tuple[str, ...] = ()) -> list[str]:
    """The Authentication-Results values our own chain wrote, topmost first.

    `trace`: the message's Received and Authentication-Results headers, (name, value), in
    order from the top. Nothing is trusted when the entry point cannot be found.
    """
    authserv_id = authserv_id.lower()
    own = frozenset(h.lower() for h in own_hosts)
    zone: list[str] = []
    received = 0
    for name, value in trace:
        if name.lower() == "received":
            received += 1
            if (trusted_received and received >= trusted_received) or (
                    not trusted_received and _entered_ours(value, authserv_id, own)):
                return zone
        elif name.lower() == "authentication-results":
            zone.append(value)
    return []  # no entry point: the headers may all be the sender's


def _parse(value: str):
    try:
        return authres.AuthenticationResultsHeader.parse(f"Authentication-Results: {value}")
    except Exception:  # authres raises its own SyntaxError and others on malformed input
        return None


def _aligned(domain: str, from_domain: str) -> bool:
    """Relaxed alignment: the From domain is the signing domain or below it."""
    domain = domain.strip().strip('"').lstrip("@").lower().rpartition("@")[2].rstrip(".")
    return bool(domain) and (from_domain == domain or from_domain.endswith("." + domain))


def verdict(trace: tuple[tuple[str, str], ...], authserv_id: str, sender: str, *,
            trusted_received: int = 0, own_hosts: tuple[str, ...] = ()) -> Verdict:
    """Pass when a header of our chain shows dkim=pass with header.d aligned to the sender's
    domain, or dmarc=pass with header.from equal to it."""
    from_domain = sender.rpartition("@")[2].lower()
    if not from_domain or not authserv_id:
        return Verdict(False, "alamat pengirim atau authserv_id kosong")
    headers = trusted_headers(trace, authserv_id, trusted_received=trusted_received, own_hosts=own_hosts)
    if not headers:
        return Verdict(False, f"tidak ada Authentication-Results dari {authserv_id} yang dapat dipercaya")
    for value in headers:
        parsed = _parse(value)
        if parsed is None or (parsed.authserv_id or "").lower() != authserv_id.lower():
            continue
        for result in parsed.results:
            if (result.result or "").lower() != "pass":
                continue
            props = {(p.type.lower(), p.name.lower()): p.value or "" for p in result.properties}
            method = (result.method or "").lower()
            if method == "dkim" and _aligned(props.get(("header", "d"), ""), from_domain):
                return Verdict(True, f"dkim=pass untuk {from_domain} menurut {authserv_id}")
            if method == "dmarc" and props.get(("header", "from"), "").strip().lower() == from_domain:
                return Verdict(True, f"dmarc=pass untuk {from_domain} menurut {authserv_id}")
    return Verdict(False, f"{authserv_id} tidak mencatat dkim=pass atau dmarc=pass untuk {from_domain}")


def authenticated(trace: tuple[tuple[str, str], ...], authserv_id: str, sender: str, **options) -> bool:
    return verdict(trace, authserv_id, sender, **options).passed


def topmost_authserv_id(trace: tuple[tuple[str, str], ...]) -> str | None:
    """The authserv-id of a receiving server that checks DKIM and writes Authentication-Results
    itself: one named by a header above the hop where the mail came from outside, and by that
    hop's `by` host. None when the mail shows no such server."""
    written: set[str] = set()
    for name, value in trace:
        if name == "authentication-results":
            parsed = _parse(value)
            if parsed and parsed.authserv_id:
                written.add(parsed.authserv_id.lower())
        elif name == "received":
            by, source = _received_hosts(value)
            if source - LOCAL_NAMES:  # the entry hop
                return by if by in written else None
    return None
