"""A complaint's history and its officials' tasks in the book: the history lines, the task
each step opens for its official (deadline, reminders, closing), the section heads asked for
their input, the delegations that say who holds a role, and the proposals an official is asked
to confirm (office.proposals)."""

from __future__ import annotations

import datetime as dt

from sop.book.records import Event, Task
from sop.book.repository import Repository
from sop.book.store import iso


class Events(Repository):
    """A complaint's history, one line per thing that happened to it."""

    def add(self, complaint_id: int, at: dt.datetime, step: int | None, actor: str,
            kind: str, text: str, left_out: int = 0) -> None:
        self._insert("events", dict(complaint_id=complaint_id, at=iso(at), step=step, actor=actor, kind=kind,
                                    text=text, left_out=left_out))

    def of(self, complaint_id: int) -> list[Event]:
        return self._read_of(Event, ("events", complaint_id), "SELECT * FROM events WHERE complaint_id = ? ORDER BY id",
                          (complaint_id,))


class Tasks(Repository):
    """The officials' tasks, one per step a complaint reached."""

    def add(self, *, complaint_id: int, step: int, role: str, official: str, token: str,
            message_id: str, opened_at: dt.datetime, due_at: dt.datetime, next_nudge_at: dt.datetime,
            note: str = "") -> Task:
        """A new task; its whole row back."""
        row = Task.from_row(self._insert_row("tasks", dict(
            complaint_id=complaint_id, step=step, role=role, official=official, token=token,
            message_id=message_id, opened_at=iso(opened_at), due_at=iso(due_at),
            next_nudge_at=iso(next_nudge_at), note=note)))
        self._cache.added("tasks", row)
        return row

    def current(self, complaint_id: int) -> Task | None:
        """The complaint's task that waits for its official, if any."""
        known = self._cache.known(("tasks", complaint_id))
        if known is not None:  # the transaction's own list of them (a new complaint's: no read at all)
            return next((t for t in reversed(known) if isinstance(t, Task) and t.done_at is None), None)
        return self._one_of(Task, "SELECT * FROM tasks WHERE complaint_id = ? AND done_at IS NULL "
                         "ORDER BY id DESC LIMIT 1", (complaint_id,))

    def of(self, complaint_id: int) -> list[Task]:
        return self._read_of(Task, ("tasks", complaint_id), "SELECT * FROM tasks WHERE complaint_id = ? ORDER BY id",
                          (complaint_id,))

    def by_token(self, token: str) -> Task | None:
        return self._one_of(Task, "SELECT * FROM tasks WHERE token = ?", (token,))

    def open_of_role(self, role: str) -> list[Task]:
        return self._all_of(Task, "SELECT * FROM tasks WHERE done_at IS NULL AND role = ? ORDER BY id", (role,))

    def to_nudge(self, now: dt.datetime) -> list[Task]:
        """Open tasks whose next reminder or escalation may be due (uses tasks_nudge)."""
        return self._all_of(Task, "SELECT * FROM tasks WHERE done_at IS NULL AND next_nudge_at <= ? "
                         "ORDER BY next_nudge_at", (iso(now),))

    def close(self, complaint_id: int, step: int, at: dt.datetime, output: str) -> None:
        known = self._cache.known(("tasks", complaint_id))
        if known is not None and not any(t["step"] == step and t["done_at"] is None for t in known):
            return  # no open task at that step (step 1 of a complaint recorded just now)
        self._write("tasks", "UPDATE tasks SET done_at = ?, output = ? WHERE complaint_id = ? "
                    "AND step = ? AND done_at IS NULL", (iso(at), output, complaint_id, step), complaint_id)

    def set_official(self, task_id: int, official: str) -> None:
        self._write("tasks", "UPDATE tasks SET official = ? WHERE id = ?", (official, task_id))

    def set_next_nudge(self, task_id: int, at: dt.datetime) -> None:
        self._write("tasks", "UPDATE tasks SET next_nudge_at = ? WHERE id = ?", (iso(at), task_id))

    def pause(self, task: Task) -> None:
        """No reminders while the complainant is asked for more (`Lengkapi:`)."""
        self._write("tasks", "UPDATE tasks SET next_nudge_at = NULL WHERE id = ?", (task.id,), task.complaint_id)

    def move_deadline(self, task: Task, due_at: dt.datetime, next_nudge_at: dt.datetime, extended_days: int = 0) -> None:
        """A task's new deadline: after a pause, or extended by `extended_days` more."""
        self._write("tasks", "UPDATE tasks SET due_at = ?, next_nudge_at = ?, extended_days = extended_days + ? "
                    "WHERE id = ?", (iso(due_at), iso(next_nudge_at), extended_days, task.id), task.complaint_id)

    def record_nudge(self, task_id: int, kind: str, at: dt.datetime) -> None:
        """A reminder (before the due time) or an escalation (after it) went out for a task."""
        column = "reminders" if kind == "pengingat" else "escalations"
        self._write("tasks", f"UPDATE tasks SET {column} = {column} + 1, last_reminded_at = ?, "
                    f"escalated_at = CASE WHEN ? = 'eskalasi' THEN ? ELSE escalated_at END "
                    f"WHERE id = ?", (iso(at), kind, iso(at), task_id))

    # Section heads asked for their input -------------------------------------------------------
    def add_section_request(self, *, complaint_id: int, section: str, email: str, token: str,
                            at: dt.datetime) -> None:
        """A section head asked for their input (`Seksi: …; minta laporan`)."""
        self._insert("section_requests", dict(complaint_id=complaint_id, section=section, email=email, token=token,
                                              asked_at=iso(at)))

    def section_request_by_token(self, token: str) -> dict | None:
        return self._one("SELECT * FROM section_requests WHERE token = ?", (token,))

    def answer_section_request(self, request_id: int, text: str, at: dt.datetime) -> None:
        self._write("section_requests", "UPDATE section_requests SET answered_at = ?, text = ? WHERE id = ?",
                    (iso(at), text, request_id))


class Delegations(Repository):
    """Who holds a role for a while (a Plh or Plt), by delegation."""

    def add(self, **fields) -> int:
        for key in ("starts", "ends", "created_at"):
            fields[key] = iso(fields[key])
        self._cache.wrote("delegations")
        return self._insert("delegations", fields)

    def revoke(self, delegation_id: int, at: dt.datetime) -> bool:
        cur = self._write("delegations", "UPDATE delegations SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                          (iso(at), delegation_id))
        return cur.rowcount == 1

    def active(self, role: str, at: dt.datetime) -> dict | None:
        """The newest delegation of `role` in force at `at` (read once per transaction)."""
        moment = iso(at)
        rows = self._read(("delegations", None), "SELECT * FROM delegations WHERE revoked_at IS NULL "
                          "ORDER BY id DESC", ())
        return next((d for d in rows if d["role"] == role and d["starts"] <= moment < d["ends"]), None)

    def changes(self, since: dt.datetime, until: dt.datetime) -> set[str]:
        """Roles whose delegation started, ended or was revoked in (since, until]."""
        rows = self.conn.execute(
            "SELECT role FROM delegations WHERE (starts > ? AND starts <= ?) OR (ends > ? AND ends <= ?) "
            "OR (revoked_at > ? AND revoked_at <= ?)", (iso(since), iso(until)) * 3).fetchall()
        return {r[0] for r in rows}

    def listed(self) -> list[dict]:
        return self._all("SELECT * FROM delegations ORDER BY starts")


class Proposals(Repository):
    """An official's action that someone else recorded for them, waiting for that official's
    own word (office.proposals)."""

    def add(self, *, complaint_id: int, task_id: int, step: int, role: str, official: str, text: str,
            recorded_by: str, token: str, at: dt.datetime) -> int:
        return self._insert("proposals", dict(complaint_id=complaint_id, task_id=task_id, step=step, role=role,
                                              official=official, text=text, recorded_by=recorded_by,
                                              recorded_at=iso(at), token=token))

    def get(self, proposal_id: int) -> dict | None:
        return self._one("SELECT * FROM proposals WHERE id = ?", (proposal_id,))

    def by_token(self, token: str) -> dict | None:
        return self._one("SELECT * FROM proposals WHERE token = ?", (token,))

    def of(self, complaint_id: int) -> list[dict]:
        return self._all("SELECT * FROM proposals WHERE complaint_id = ? ORDER BY id", (complaint_id,))

    def decide(self, proposal_id: int, state: str, by: str, at: dt.datetime) -> bool:
        """Settle a waiting proposal; False when it was no longer waiting."""
        return self._write("proposals", "UPDATE proposals SET state = ?, decided_by = ?, decided_at = ? "
                           "WHERE id = ? AND state = 'menunggu'", (state, by, iso(at), proposal_id)).rowcount == 1
