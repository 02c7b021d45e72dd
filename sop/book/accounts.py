"""The staff desk's accounts, sessions and login attempts in the book, and the audit of who read
or exported personal data.

Passwords are stored as argon2id hashes made in office.desk; a session is stored as the
SHA-256 of its cookie token, so neither a copy of the book nor its backup opens a session.
"""

from __future__ import annotations

import datetime as dt

from sop.book.repository import Repository
from sop.book.store import iso


class Accounts(Repository):
    """The desk's accounts, their sessions and login attempts."""

    # Accounts ---------------------------------------------------------------------------------
    def user(self, name: str) -> dict | None:
        return self._one("SELECT * FROM desk_users WHERE name = ?", (name,))

    def user_by_id(self, user_id: int) -> dict | None:
        return self._one("SELECT * FROM desk_users WHERE id = ?", (user_id,))

    def users(self) -> list[dict]:
        return self._all("SELECT id, name, role, email, created_at, password_changed_at, full_name, nip, jabatan, "
                         "unlocked_at FROM desk_users ORDER BY name")

    def add_user(self, name: str, role: str, password_hash: str, now: dt.datetime, email: str | None = None,
                      full_name: str = "", nip: str = "", jabatan: str = "") -> int:
        """`email`: the official this account is (a pimpinan who acts at the desk as themselves)."""
        return self.conn.execute(
            "INSERT INTO desk_users (name, role, password_hash, created_at, password_changed_at, email, full_name, nip, "
            "jabatan) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (name, role, password_hash, iso(now), iso(now), email, full_name, nip, jabatan)).lastrowid or 0

    def set_profile(self, user_id: int, full_name: str, nip: str, jabatan: str) -> None:
        self.conn.execute("UPDATE desk_users SET full_name = ?, nip = ?, jabatan = ? WHERE id = ?",
                          (full_name, nip, jabatan, user_id))

    def unlock(self, user_id: int, now: dt.datetime) -> None:
        """Failed logins before now no longer count against the account (an administrator's unlock)."""
        self.conn.execute("UPDATE desk_users SET unlocked_at = ? WHERE id = ?", (iso(now), user_id))

    def set_password(self, user_id: int, password_hash: str, now: dt.datetime) -> None:
        """A new password ends every session of the account (a stolen cookie with it)."""
        self.conn.execute("UPDATE desk_users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
                          (password_hash, iso(now), user_id))
        self.conn.execute("DELETE FROM desk_sessions WHERE user_id = ?", (user_id,))

    def remove_user(self, user_id: int) -> None:
        self.conn.execute("DELETE FROM desk_sessions WHERE user_id = ?", (user_id,))
        self.conn.execute("DELETE FROM desk_users WHERE id = ?", (user_id,))

    # Sessions ---------------------------------------------------------------------------------
    def add_session(self, token_hash: str, user_id: int, address: str, now: dt.datetime) -> None:
        self.conn.execute("INSERT INTO desk_sessions (token_hash, user_id, started_at, seen_at, address) "
                          "VALUES (?, ?, ?, ?, ?)", (token_hash, user_id, iso(now), iso(now), address))

    def session(self, token_hash: str) -> dict | None:
        return self._one("SELECT s.*, u.name, u.role, u.email, u.full_name, u.nip, u.jabatan FROM desk_sessions s "
                         "JOIN desk_users u ON u.id = s.user_id WHERE s.token_hash = ?", (token_hash,))

    def set_flash(self, token_hash: str, flash: str | None) -> None:
        """The messages a session shows on its next page (JSON), kept on the server side of the login."""
        self.conn.execute("UPDATE desk_sessions SET flash = ? WHERE token_hash = ?", (flash, token_hash))

    def touch_session(self, token_hash: str, now: dt.datetime) -> None:
        self.conn.execute("UPDATE desk_sessions SET seen_at = ? WHERE token_hash = ?", (iso(now), token_hash))

    def end_session(self, token_hash: str) -> None:
        self.conn.execute("DELETE FROM desk_sessions WHERE token_hash = ?", (token_hash,))

    def end_idle_sessions(self, idle_since: dt.datetime) -> None:
        self.conn.execute("DELETE FROM desk_sessions WHERE seen_at < ?", (iso(idle_since),))

    # Login attempts ---------------------------------------------------------------------------
    def add_login(self, name: str, address: str, ok: bool, now: dt.datetime) -> int:
        return self.conn.execute("INSERT INTO desk_logins (at, name, address, ok) VALUES (?, ?, ?, ?)",
                                 (iso(now), name, address, int(ok))).lastrowid or 0

    def login_succeeded(self, login_id: int) -> None:
        """An attempt recorded as failed until its password was checked turns out good."""
        self.conn.execute("UPDATE desk_logins SET ok = 1 WHERE id = ?", (login_id,))

    def failed_login_times(self, since: dt.datetime) -> list[dict]:
        """Each account's failed logins since `since` and since its last unlock, oldest first."""
        return self._all("SELECT l.name, l.address, l.at FROM desk_logins l JOIN desk_users u ON u.name = l.name "
                         "WHERE l.ok = 0 AND l.at >= ? AND l.at >= coalesce(u.unlocked_at, '') ORDER BY l.at",
                         (iso(since),))

    def failed_logins(self, name: str, address: str, since: dt.datetime) -> tuple[int, int, int]:
        """Failures since `since` (and since the account's last unlock): for this account from
        this address, for this account from anywhere, and from this address for any account."""
        unlocked = self.conn.execute("SELECT unlocked_at FROM desk_users WHERE name = ?", (name,)).fetchone()
        start = max(iso(since), unlocked[0] or "") if unlocked else iso(since)
        count = "SELECT count(*) FROM desk_logins WHERE ok = 0 AND at >= ? AND "
        pair = self.conn.execute(count + "name = ? AND address = ?", (start, name, address)).fetchone()[0]
        account = self.conn.execute(count + "name = ?", (start, name)).fetchone()[0]
        place = self.conn.execute(count + "address = ?", (iso(since), address)).fetchone()[0]
        return pair, account, place


class Audit(Repository):
    """UU 27/2022 Pasal 31: who read or exported personal data, when."""

    def record(self, at: dt.datetime, who: str, action: str, subject: str = "", detail: str = "") -> None:
        self._insert("audit", dict(at=iso(at), who=who, action=action, subject=subject, detail=detail))

    def log(self) -> list[dict]:
        return self._all("SELECT * FROM audit ORDER BY id")
