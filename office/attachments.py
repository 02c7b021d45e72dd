"""Files that came with a message: stored under names made here (complaint, message key,
position, a type-derived extension) within the office's caps; the name the sender gave is
kept only as data. Runs inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes

from intake.parse import Attachment
from office.base import Office
from sop.engine import SYSTEM
from sop.files import place_private, write_private


def store_attachments(office: Office, complaint_id: int, key: str | None,
                      attachments: tuple[Attachment, ...], now: dt.datetime, purpose: str = "pengaduan") -> None:
    """Keep a message's files within the caps, each under a name made here; the history says what was kept."""
    if not attachments:
        return
    cfg = office.config
    limit = cfg.intake.max_attachment_bytes
    budget = cfg.intake.max_total_bytes
    folder = cfg.files / "lampiran" / str(now.astimezone(cfg.clock.tz).year) / str(complaint_id)
    prefix = (key or hashlib.sha256(str(now).encode()).hexdigest())[:12]
    offset = len(office.book.attachments.of(complaint_id, None))
    for position, item in enumerate(attachments, start=offset + 1):
        size = item.length()
        digest = item.digest()
        note, path = "", None
        if position - offset > cfg.intake.max_attachments:
            note = f"melebihi {cfg.intake.max_attachments} lampiran per pesan; tidak disimpan"
        elif size > limit:
            note = f"melebihi batas {limit // 2**20} MB per berkas; tidak disimpan"
        elif size > budget:
            note = f"melebihi batas {cfg.intake.max_total_bytes // 2**20} MB per pesan; tidak disimpan"
        else:
            budget -= size
            ext = mimetypes.guess_extension(item.content_type, strict=False) or ".bin"
            path = folder / f"{prefix}-{position:03d}{ext}"
            if item.staged:  # written by the parse-ahead worker: only renamed into place
                place_private(item.staged, path)
            else:
                write_private(path, item.data)
        office.book.attachments.add(complaint_id=complaint_id, message_key=key, filename=item.filename,
                                   content_type=item.content_type, size=size, sha256=digest,
                                   path=str(path) if path else None, note=note, purpose=purpose)
    if attachments:
        rows = office.book.attachments.of(complaint_id, None)[offset:]
        if len(rows) > 20:  # a summary, not ten thousand names, in the history
            stored = sum(1 for r in rows if r["path"])
            office.book.events.add(complaint_id, now, None, SYSTEM, "lampiran",
                                  f"{len(rows)} lampiran diterima; {stored} disimpan, {len(rows) - stored} tidak.")
            return
        kept = [r["filename"] for r in rows if r["path"]]
        refused = [f"{r['filename']} ({r['note']})" for r in rows if not r["path"]]
        what = "lampiran surat jawaban" if purpose == "lampiran_surat" else "lampiran"
        text = f"{len(kept)} {what} disimpan" + (f": {', '.join(kept)}" if kept else "")
        if refused:
            text += f"; tidak disimpan: {'; '.join(refused)}"
        office.book.events.add(complaint_id, now, None, SYSTEM, "lampiran", text + ".")
