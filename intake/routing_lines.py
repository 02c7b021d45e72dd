"""The lines of a reply that are our own routing mail come back, removed before keywords are read.

Quoted text never acts. The quotation is cut by intake.reply; this is the guarantee that does
not depend on how a client quotes: a reply line that stands in the routing mail we sent for
the task (the instructions with their example lines, "Rapat: ya, 12-01-2026 09.00", the
complaint, the history) is removed when it is part of a block copied from that mail, whatever
marks it or none.

A block is two or more consecutive lines of the reply that also follow one another in the
routing mail (a gap of a few of its own lines allowed, for lines a client drops or wraps, and
any quoted lines, which the reply reader may have dropped), and
that hold at least one of the mail's own lines, not only people's text it quotes ("> ..."):
an official who pastes two paragraphs of an earlier step's text into an answer keeps them.
A single line is never a block, so an answer that is exactly one of the mail's lines
("Setuju", "Seksi: Pemerintahan") counts.
"""

from __future__ import annotations

import re

MARKERS = re.compile(r"^(\s*>)+")
GAP = 3  # routing lines a block may skip between two of its lines
FRAGMENT = 24  # a reply line this long may be a piece of a longer routing line a client wrapped


def _norm(line: str) -> str:
    return " ".join(MARKERS.sub("", line).split()).casefold()


def _positions(line: str, routing: list[str]) -> list[int]:
    """Where the reply line stands in the routing mail: equal, or a long piece of a line."""
    if not line:
        return []
    return [j for j, r in enumerate(routing) if line == r or (len(line) >= FRAGMENT and line in r)]


def _linked(before: list[int], after: list[int], own_before: list[int]) -> bool:
    """The second line follows the first in the routing mail, with at most GAP of the mail's
    own lines between them (quoted people's text between them does not count: the reply
    reader may have dropped it as a quotation)."""
    return any(j <= k and own_before[k] - own_before[j + 1 if j < k else k] <= GAP for j in before for k in after)


def drop_routing_lines(reply: str, routing: str) -> str:
    """`reply` without the blocks of lines that stand in `routing` (see the module's text)."""
    source = [ln for ln in routing.replace("\r\n", "\n").split("\n") if _norm(ln)]
    lines = [_norm(ln) for ln in source]
    own = [not MARKERS.match(ln) for ln in source]
    own_before = [0]  # own_before[j]: how many of the mail's own lines come before line j
    for is_own in own:
        own_before.append(own_before[-1] + is_own)
    reply_lines = reply.split("\n")
    content = [i for i, ln in enumerate(reply_lines) if _norm(ln)]  # a bare ">" is a blank line
    found = {i: _positions(_norm(reply_lines[i]), lines) for i in content}
    # The reply's lines in runs, each line linked to the one before it in the run.
    chains: list[list[int]] = []
    for i in content:
        if chains and found[i] and found[chains[-1][-1]] \
                and _linked(found[chains[-1][-1]], found[i], own_before):
            chains[-1].append(i)
        else:
            chains.append([i])
    block = [len(c) >= 2 for c in chains]
    removed = [b and any(own[j] for i in c for j in found[i]) for b, c in zip(block, chains)]
    # A block of quoted people's text right beside a removed one belongs to the same copy.
    for order in (range(len(chains)), reversed(range(len(chains)))):
        for n in order:
            if block[n] and not removed[n]:
                removed[n] = (n > 0 and removed[n - 1]) or (n + 1 < len(chains) and removed[n + 1])
    gone = {i for c, r in zip(chains, removed) if r for i in c}
    return "\n".join(ln for i, ln in enumerate(reply_lines)
                     if i not in gone and (_norm(ln) or not MARKERS.match(ln)))
