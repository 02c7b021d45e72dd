"""The book as staff see it: the JSON documents of `book`/`show` and their tables."""

from __future__ import annotations

import datetime as dt

from jobs.workflow import Office, due_of
from sop.book import parse_iso


def _local(office: Office, text: str | None) -> str | None:
    moment = parse_iso(text)
    return moment.astimezone(office.config.clock.tz).isoformat(timespec="seconds") if moment else None


def complaint_json(office: Office, row: dict, now: dt.datetime, *, detail: bool = False) -> dict:
    due = due_of(office.book, row)
    tz = office.config.clock.tz
    doc = {
        "number": row["number"],
        "state": row["state"],
        "step": row["step"] if row["state"] == "open" else None,
        "official": None,
        "channel": row["channel"],
        "received_at": _local(office, row["received_at"]),
        "complainant": {"name": row["name"], "email": row["email"], "phone": row["phone"],
                        "address": row["address"]},
        "subject": row["subject"],
        "body": row["body"],
        "section": row["section"],
        "meeting": bool(row["meeting"]),
        "letter": row["letter_path"],
        "letter_number": row["letter_number"],
        "due_at": due.astimezone(tz).isoformat(timespec="seconds") if due else None,
        "late": bool(due and now > due),
        "closed_at": _local(office, row["closed_at"]),
    }
    if doc["step"]:
        role = office.config.procedure.step(doc["step"]).role
        official = office.config.directory.official(role)
        doc["official"] = {"role": role, "title": official.title, "name": official.name}
    if detail:
        doc["events"] = [
            {"time": _local(office, e["at"]), "step": e["step"], "actor": e["actor"],
             "kind": e["kind"], "text": e["text"]}
            for e in office.book.events(row["id"])]
        doc["steps"] = [
            {"step": t["step"], "official": t["official"], "opened_at": _local(office, t["opened_at"]),
             "due_at": _local(office, t["due_at"]), "done_at": _local(office, t["done_at"]),
             "standard": str(office.config.procedure.step(t["step"]).time)}
            for t in office.book.tasks(row["id"])]
    return doc
