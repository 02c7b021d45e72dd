"""Finding complaints for the staff desk: filters and full-text search over the book.

The search index is SQLite FTS5 over the complaint's number, name, subject and text, built by
sqlite-utils' FTS helper and kept in step by the book (sop.book.search_index: new complaints at
their transaction's commit, changes and removals by triggers, so an anonymised complaint
leaves the index too); a search first indexes any complaint still waiting. The list is paged by
number (LIMIT/OFFSET over an index: a deep page of a million complaints costs a scan of the ids
before it) and counted, so staff see "menampilkan 50 dari 1.234"; a short number, spelling
variants and a mended query for typos (close_words) make search forgiving.
A reader who may not know who made a confidential complaint finds it only by what they are shown
of it (Search.find).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace

from sop.book.records import Complaint
from sop.book.repository import Repository
from sop.book.search_index import COLUMNS, TOKENIZE
from sop.book.store import iso

# A control character finds nothing: FTS5 reads a NUL as the end of the query ("unterminated
# string", a 500 at the desk before), and no complaint holds one.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# What SQLite says when FTS5 refuses a query (its syntax, a column filter): such a search finds nothing.
REFUSED = ("fts5", "unterminated string", "unknown special query")

# How many confidential hits a search without identity may leave out before it stops reading
# further (each is redacted and searched again: a word naming thousands of confidential
# complainants would otherwise read the whole book).
LEFT_OUT = 5000

# What a reader without identity is shown of a confidential complaint, by column of the index
# (office.views.visible_text: the number, the neutral subject, the text without who complained).
Visible = Callable[[Complaint], dict]


def number_only(row: Complaint) -> dict:
    return {"number": row.number}


# Spellings a Kecamatan writes both ways, and the words people use for one thing: a search for
# one finds the others. Each group's first word is the standard one (KBBI); a phrase is searched
# as a phrase.
VARIANTS = (("antre", "antri"), ("izin", "ijin"), ("praktik", "praktek"), ("risiko", "resiko"), ("nomor", "nomer"),
            ("kuitansi", "kwitansi"), ("apotek", "apotik"), ("aktivitas", "aktifitas"), ("sekadar", "sekedar"),
            ("utang", "hutang"), ("imbauan", "himbauan"), ("jadwal", "jadual"), ("selokan", "got", "parit"),
            ("pungutan liar", "pungli"), ("penerangan jalan", "pju", "lampu jalan"), ("ktp", "e-ktp"),
            ("sampah", "tps"), ("kartu keluarga", "kk"))
# A short number is a register number's serial ("3" finds PGD/2026/0003): zero-padded to these widths.
SERIAL_WIDTHS = (4, 5, 6, 7)


def _variants(word: str) -> list[str]:
    """The word and the spellings it stands for (a prefix of a group's word finds the group)."""
    low = word.lower()
    for group in VARIANTS:
        if any(" " not in v and low.startswith(v) for v in group):
            stem = next(v for v in group if " " not in v and low.startswith(v))
            return [word, *(v + low[len(stem):] if " " not in v else v for v in group if v != stem)]
    return [word]


def _term(word: str) -> str:
    """One word of the query: a prefix, with its spelling variants, and for a short number the
    serials it can be."""
    quoted = [f'"{w.replace(chr(34), chr(34) * 2)}"' for w in _variants(word)]
    terms = [quoted[0] + "*", *(q + ("" if " " in q else "*") for q in quoted[1:])]
    if word.isdigit() and len(word) < max(SERIAL_WIDTHS):
        # A short number is itself, never a prefix ("2" of every "2026"); a longer one (a phone
        # number's start) stays a prefix.
        first = quoted[0] if len(word) < min(SERIAL_WIDTHS) else quoted[0] + "*"
        terms = [first, *(f'"{word.zfill(width)}"' for width in SERIAL_WIDTHS if width > len(word))]
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def fts_query(text: str) -> str:
    """The staff's words as an FTS5 query: every word must appear (as a prefix, or as one of its
    spelling variants; a short number as a serial) in the number, name, subject or text; FTS
    syntax in the words is quoted away. '' (nothing to find) when the text has no word or holds
    a control character."""
    if CONTROL.search(text):
        return ""
    words = [w for w in text.split() if w.strip('"')]
    if not words:
        return ""
    return "{" + " ".join(COLUMNS) + "} : (" + " AND ".join(_term(w) for w in words[:12]) + ")"


def one_edit(word: str) -> list[str]:
    """The words one typo away from `word` (two letters swapped, one changed, left out or added),
    the likeliest typos first. Pure."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    swapped = [a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1 and b[0] != b[1]]
    changed = [a + c + b[1:] for a, b in cuts if b for c in letters if c != b[0]]
    dropped = [a + b[1:] for a, b in cuts if b]
    added = [a + c + b for a, b in cuts for c in letters]
    return list(dict.fromkeys(swapped + changed + dropped + added))


def close_words(conn: sqlite3.Connection, text: str) -> str:
    """'Mungkin maksud Anda': the words with each one the index does not hold (not even as a
    word's start) replaced by a word one typo away that it does ("sampha" -> "sampah"); '' when
    there is nothing to offer. Each guess is one lookup in the index, so a million complaints
    cost what a hundred do. The caller shows it only when it finds something the reader may see."""
    def held(term: str, prefix: bool) -> bool:
        query = '{' + " ".join(COLUMNS) + '} : "' + term + '"' + ("*" if prefix else "")
        return conn.execute("SELECT 1 FROM complaints_fts WHERE complaints_fts MATCH ? LIMIT 1",
                            (query,)).fetchone() is not None

    words = [w for w in CONTROL.sub(" ", text).lower().split() if w.strip('"')][:12]
    changed, out = False, []
    for word in words:
        if len(word) < 4 or not word.isalpha() or held(word, prefix=True):
            out.append(word)
            continue
        best = next((guess for guess in one_edit(word) if held(guess, prefix=False)), "")
        changed |= bool(best)
        out.append(best or word)
    return " ".join(out) if changed else ""


def shown_matches(query: str, rows: list[Complaint], visible: Visible) -> set[int]:
    """The ids of `rows` whose shown text the query matches: the same query over an in-memory
    FTS5 table with the index's columns and tokenizer, filled with `visible(row)` only."""
    cols = ", ".join(COLUMNS)
    shown = [(r.id, visible(r)) for r in rows]
    with contextlib.closing(sqlite3.connect(":memory:")) as mem:
        mem.execute(f"CREATE VIRTUAL TABLE shown USING fts5({cols}, tokenize='{TOKENIZE}')")
        mem.executemany(f"INSERT INTO shown (rowid, {cols}) VALUES (?{', ?' * len(COLUMNS)})",
                        [(rowid, *(text.get(c) or "" for c in COLUMNS)) for rowid, text in shown])
        return {rowid for (rowid,) in mem.execute("SELECT rowid FROM shown WHERE shown MATCH ?", (query,))}


@dataclass(frozen=True)
class Filters:
    state: str = ""  # open | late | closed | answered | rejected | forwarded | linked, '' for all
    step: int | None = None
    section: str = ""
    channel: str = ""
    month: tuple[int, int] | None = None  # (year, month) received, office time
    text: str = ""
    before: int | None = None  # keyset: complaints older than this id
    roles: tuple[str, ...] = ()  # only complaints whose open step waits for one of these roles ("Menunggu saya")
    sort: str = ""  # nomor (the register's order, by default) | diterima | batas
    ascending: bool = False
    page: int = 1  # 1-based, of `limit` rows


# How the list may be sorted: the register's order (newest first by default), the time received,
# the open step's due time (complaints without one last).
ORDER = {"": "id", "nomor": "id", "diterima": "received_at", "batas": "open_tasks.due"}
# By due time the list holds the complaints waiting on a step, read in the order of the open
# steps' index (sorting a million complaints by a joined time took seconds).
DUE = (" JOIN (SELECT complaint_id AS cid, due_at AS due FROM tasks WHERE done_at IS NULL) open_tasks "
       "ON open_tasks.cid = complaints.id")
# Past this many rows a page near the end of the list is read from the other end (OFFSET walks
# every row it skips: the last of 20,000 pages took a second).
FLIP = 5000


class Search(Repository):
    """The desk's list: complaints found by filters and words."""

    def index_search(self) -> None:
        self.store.index_search()

    def find(self, f: Filters, now: dt.datetime, tz, *, identity: bool, limit: int = 50,
                        visible: Visible = number_only) -> list[Complaint]:
        """Page `f.page` of the complaints matching `f` (older than f.before), newest first or
        as `f.sort` asks.

        A reader without identity finds a confidential complaint by words only when they match
        what that reader is shown of it (`visible`): the index holds the raw text, so each such
        hit is searched again over the shown text alone, and a complainant's name, a part of
        it or their phone number finds nothing. Other complaints cost one query as before."""
        skip = (max(f.page, 1) - 1) * limit
        where, params, query = self._where(f, now, tz)
        if f.text and not query:
            return []
        if not query or identity:  # one statement, the page by OFFSET
            if skip > FLIP and f.sort != "batas" and not f.before:
                total = self._count(where, params)
                if skip > total // 2:  # a page near the end: counted from the other end, read backwards
                    rows = self._older(where, params, replace(f, ascending=not f.ascending),
                                       max(0, min(limit, total - skip)), max(0, total - skip - limit))
                    return [Complaint.from_row(r) for r in rows][::-1]
            return [Complaint.from_row(r) for r in self._older(where, params, f, limit, skip)]
        return self._matching(f, now, tz, identity, visible, skip + limit)[skip:]

    def count(self, f: Filters, now: dt.datetime, tz, *, identity: bool, visible: Visible = number_only) -> int:
        """How many complaints `find` pages through (the same reader's view)."""
        where, params, query = self._where(f, now, tz)
        if f.text and not query:
            return 0
        if not query or identity:
            return self._count(where, params)
        open_to_all = self._count([*where, "confidential = 0"], params)
        hidden = self._matching(replace(f, page=1), now, tz, identity, visible, None, only_confidential=True)
        return open_to_all + len(hidden)

    def state_counts(self, now: dt.datetime) -> dict[str, int]:
        """The first screen's counts: in process, late, held, waiting for the complainant's word
        on the answer (each by an index)."""
        one = lambda sql, *p: self.conn.execute(sql, p).fetchone()[0]  # noqa: E731
        return {"open": one("SELECT count(*) FROM complaints WHERE state = 'open' AND held_at IS NULL"),
                "late": one("SELECT count(DISTINCT t.complaint_id) FROM tasks t JOIN complaints c ON c.id = t.complaint_id "
                            "WHERE t.done_at IS NULL AND t.due_at < ? AND c.state = 'open' AND c.paused_at IS NULL",
                            iso(now)),
                "held": one("SELECT count(*) FROM complaints WHERE held_at IS NOT NULL"),
                "answered": one("SELECT count(*) FROM complaints WHERE state = 'answered'")}

    def words_found(self, text: str, *, open_to_all: bool) -> bool:
        """Whether any complaint holds these words (with `open_to_all`, any that is not
        confidential): one index lookup that stops at the first."""
        query = fts_query(text)
        if not query:
            return False
        self.index_search()
        sql = ("SELECT 1 FROM complaints_fts JOIN complaints ON complaints.id = complaints_fts.rowid "
               "WHERE complaints_fts MATCH ?" + (" AND complaints.confidential = 0" if open_to_all else "") + " LIMIT 1")
        return self.conn.execute(sql, (query,)).fetchone() is not None

    def mended_words(self, text: str) -> str:
        """The search's words with typos mended against the index's words (close_words)."""
        self.index_search()
        return close_words(self.conn, text)

    def _where(self, f: Filters, now: dt.datetime, tz) -> tuple[list[str], list, str]:
        where, params = self._filter_sql(f, now, tz)
        query = ""
        if f.text:
            query = fts_query(f.text)
            if query:
                self.index_search()
                where.append("id IN (SELECT rowid FROM complaints_fts WHERE complaints_fts MATCH ?)")
                params.append(query)
        return where, params, query

    def _count(self, where: list[str], params: list) -> int:
        sql = "SELECT count(*) FROM complaints" + (" WHERE " + " AND ".join(where) if where else "")
        try:
            return self.conn.execute(sql, params).fetchone()[0]
        except sqlite3.OperationalError as exc:
            if any(word in str(exc).lower() for word in REFUSED):
                return 0
            raise

    def _matching(self, f: Filters, now: dt.datetime, tz, identity: bool, visible: Visible, most: int | None, *,
                  only_confidential: bool = False) -> list[Complaint]:
        """The first `most` matching complaints in the list's order (all with None)."""
        where, params, query = self._where(f, now, tz)
        if f.text and not query:
            return []
        if only_confidential:
            where = [*where, "confidential = 1"]
        if not query or identity:
            return [Complaint.from_row(r) for r in self._older(where, params, f, most)]
        # One statement read in growing steps: the index's hits are gathered once, however far
        # the left-out ones (confidential complaints the words find only by what is hidden) make
        # it read, up to LEFT_OUT of them (about half a second at most).
        found: list[Complaint] = []
        size, left_out = min(most or 2000, 2000), 0
        with contextlib.closing(self._older(where, params, f)) as cursor:
            while (most is None or len(found) < most) and left_out < LEFT_OUT:
                batch = [Complaint.from_row(r) for r in cursor.fetchmany(size)]
                hidden = [r for r in batch if r.confidential]
                keep = shown_matches(query, hidden, visible) if hidden else set()
                found += [r for r in batch if not r.confidential or r.id in keep]
                left_out += len(hidden) - len(keep)
                if len(batch) < size:
                    break
                size = min(size * 4, 2000)
        return found if most is None else found[:most]

    def _older(self, where: list[str], params: list, f: Filters, limit: int | None = None,
               skip: int = 0) -> sqlite3.Cursor:
        """Matching complaints older than `f.before`, in the list's order (at most `limit`). A
        query FTS5 refuses finds nothing."""
        if f.before:
            where, params = [*where, "id < ?"], [*params, f.before]
        way = "ASC" if f.ascending else "DESC"
        order = f"{ORDER.get(f.sort, 'id')} {way}, id {way}"
        source = "complaints" + (DUE if f.sort == "batas" else "")
        sql = f"SELECT complaints.* FROM {source}" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY " + order
        if limit is not None:
            sql, params = sql + " LIMIT ? OFFSET ?", [*params, limit, skip]
        try:
            return self.conn.execute(sql, params)
        except sqlite3.OperationalError as exc:
            if any(word in str(exc).lower() for word in REFUSED):
                return self.conn.execute("SELECT * FROM complaints WHERE 0")
            raise

    @staticmethod
    def _filter_sql(f: Filters, now: dt.datetime, tz) -> tuple[list[str], list]:
        where: list[str] = []
        params: list = []
        if f.state == "late":
            where.append("state = 'open' AND paused_at IS NULL AND id IN (SELECT complaint_id FROM tasks "
                         "WHERE done_at IS NULL AND due_at < ?)")
            params.append(iso(now))
        elif f.state == "held":
            where.append("held_at IS NOT NULL")
        elif f.state == "open":
            where.append("state = 'open' AND held_at IS NULL")
        elif f.state:
            where.append("state = ?")
            params.append(f.state)
        if f.step is not None:
            where.append("step = ? AND state = 'open'")
            params.append(f.step)
        if f.sort == "batas":  # only what waits on a step has a due time
            where.append("id IN (SELECT complaint_id FROM tasks WHERE done_at IS NULL)")
        if f.roles:
            where.append("state = 'open' AND id IN (SELECT complaint_id FROM tasks WHERE done_at IS NULL AND role IN "
                         f"({', '.join('?' * len(f.roles))}))")
            params.extend(f.roles)
        if f.section:
            where.append("section = ?")
            params.append(f.section)
        if f.channel:
            where.append("channel = ?")
            params.append(f.channel)
        if f.month:
            year, month = f.month
            start = dt.datetime(year, month, 1, tzinfo=tz)
            end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
            where.append("received_at >= ? AND received_at < ?")
            params.extend([iso(start), iso(end)])
        return where, params
