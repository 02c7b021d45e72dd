"""The book's schema, as the list of migrations that build it.

Append only: a book records how many of these it has applied (PRAGMA user_version) and
applies the rest, each in its own transaction, when it is opened.
"""

from sop.schema_later import LATER_MIGRATIONS

# Each entry is one migration; the book's user_version says how many have been applied. The
# later ones (14 on) live in sop.schema_later, keeping each module readable.
MIGRATIONS = (
    """
    CREATE TABLE complaints (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL DEFAULT 'open',
        step INTEGER,
        channel TEXT NOT NULL,
        received_at TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        email TEXT,
        address TEXT,
        source_message_id TEXT,
        subject TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        section TEXT,
        meeting INTEGER NOT NULL DEFAULT 0,
        letter_number TEXT,
        letter_path TEXT,
        message_key TEXT,
        closed_at TEXT
    );
    CREATE INDEX complaints_open ON complaints(state, step);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        complaint_id INTEGER NOT NULL REFERENCES complaints(id),
        at TEXT NOT NULL,
        step INTEGER,
        actor TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX events_complaint ON events(complaint_id, id);
    CREATE TABLE tasks (
        id INTEGER PRIMARY KEY,
        complaint_id INTEGER NOT NULL REFERENCES complaints(id),
        step INTEGER NOT NULL,
        role TEXT NOT NULL,
        official TEXT NOT NULL,
        token TEXT NOT NULL UNIQUE,
        message_id TEXT NOT NULL UNIQUE,
        opened_at TEXT NOT NULL,
        due_at TEXT NOT NULL,
        done_at TEXT,
        escalated_at TEXT,
        output TEXT
    );
    CREATE INDEX tasks_due ON tasks(done_at, due_at);
    CREATE INDEX tasks_complaint ON tasks(complaint_id, step);
    CREATE TABLE messages (
        key TEXT PRIMARY KEY,
        received_at TEXT NOT NULL,
        message_id TEXT,
        sender TEXT NOT NULL DEFAULT '',
        subject TEXT NOT NULL DEFAULT '',
        kind TEXT NOT NULL,
        complaint_id INTEGER REFERENCES complaints(id),
        raw_path TEXT,
        raw_sha256 TEXT,
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX messages_kind ON messages(kind);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        message_id TEXT NOT NULL UNIQUE,
        complaint_id INTEGER REFERENCES complaints(id),
        kind TEXT NOT NULL,
        recipients TEXT NOT NULL,
        subject TEXT NOT NULL,
        raw BLOB NOT NULL,
        created_at TEXT NOT NULL,
        next_try_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        sent_at TEXT
    );
    CREATE INDEX outbox_pending ON outbox(sent_at, next_try_at);
    CREATE TABLE serials (
        series TEXT NOT NULL,
        year INTEGER NOT NULL,
        value INTEGER NOT NULL,
        PRIMARY KEY (series, year)
    );
    CREATE TABLE failures (
        key TEXT PRIMARY KEY,
        attempts INTEGER NOT NULL,
        last_error TEXT NOT NULL,
        last_at TEXT NOT NULL
    );
    CREATE TABLE letters (
        number TEXT PRIMARY KEY,
        complaint_id INTEGER NOT NULL REFERENCES complaints(id),
        issued_at TEXT NOT NULL,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        signer TEXT NOT NULL,
        void INTEGER NOT NULL DEFAULT 0
    );
    """,
    """
    ALTER TABLE complaints ADD COLUMN phone TEXT;
    ALTER TABLE complaints ADD COLUMN recorded_by TEXT;
    ALTER TABLE outbox ADD COLUMN recipient TEXT;
    CREATE INDEX outbox_recipient ON outbox(recipient, kind, created_at);
    CREATE TABLE attachments (
        id INTEGER PRIMARY KEY,
        complaint_id INTEGER NOT NULL REFERENCES complaints(id),
        message_key TEXT,
        filename TEXT NOT NULL,
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        path TEXT,
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX attachments_complaint ON attachments(complaint_id);
    CREATE TABLE cursors (
        folder TEXT PRIMARY KEY,
        uidvalidity INTEGER NOT NULL,
        last_uid INTEGER NOT NULL,
        updated_at TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE complaints ADD COLUMN confidential INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE tasks ADD COLUMN reminders INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE tasks ADD COLUMN last_reminded_at TEXT;
    ALTER TABLE tasks ADD COLUMN escalations INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE tasks ADD COLUMN note TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN gave_up_at TEXT;
    CREATE INDEX tasks_open ON tasks(done_at, complaint_id);
    CREATE TABLE delegations (
        id INTEGER PRIMARY KEY,
        role TEXT NOT NULL,
        form TEXT NOT NULL,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        nip TEXT NOT NULL DEFAULT '',
        rank TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        starts TEXT NOT NULL,
        ends TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE INDEX delegations_role ON delegations(role, starts, ends);
    """,
    """
    ALTER TABLE letters ADD COLUMN pdf_path TEXT;
    ALTER TABLE letters ADD COLUMN seal TEXT;
    ALTER TABLE letters ADD COLUMN dispatched_at TEXT;
    ALTER TABLE letters ADD COLUMN dispatch_method TEXT;
    ALTER TABLE letters ADD COLUMN dispatch_note TEXT;
    CREATE INDEX letters_complaint ON letters(complaint_id);
    """,
    # Letter numbers restart each year, so a number alone is not unique: key by year too.
    """
    CREATE TABLE letters_by_year (
        id INTEGER PRIMARY KEY,
        year INTEGER NOT NULL,
        number TEXT NOT NULL,
        complaint_id INTEGER NOT NULL REFERENCES complaints(id),
        issued_at TEXT NOT NULL,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        signer TEXT NOT NULL,
        void INTEGER NOT NULL DEFAULT 0,
        pdf_path TEXT,
        seal TEXT,
        dispatched_at TEXT,
        dispatch_method TEXT,
        dispatch_note TEXT,
        UNIQUE (year, number)
    );
    INSERT INTO letters_by_year (year, number, complaint_id, issued_at, path, sha256, signer, void,
                                 pdf_path, seal, dispatched_at, dispatch_method, dispatch_note)
        SELECT CAST(substr(issued_at, 1, 4) AS INTEGER), number, complaint_id, issued_at, path, sha256,
               signer, void, pdf_path, seal, dispatched_at, dispatch_method, dispatch_note FROM letters;
    DROP TABLE letters;
    ALTER TABLE letters_by_year RENAME TO letters;
    CREATE INDEX letters_complaint ON letters(complaint_id);
    CREATE INDEX letters_pending ON letters(void, dispatched_at);
    """,
    """
    ALTER TABLE attachments ADD COLUMN purpose TEXT NOT NULL DEFAULT 'pengaduan';
    """,
    """
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT ''
    );
    ALTER TABLE complaints ADD COLUMN anonymised_at TEXT;
    ALTER TABLE complaints ADD COLUMN lapor_id TEXT;
    CREATE INDEX complaints_closed ON complaints(state, closed_at);
    CREATE INDEX complaints_email ON complaints(email);
    CREATE INDEX complaints_received ON complaints(received_at);
    """,
    """
    ALTER TABLE tasks ADD COLUMN next_nudge_at TEXT;
    UPDATE tasks SET next_nudge_at = opened_at WHERE done_at IS NULL;
    CREATE INDEX tasks_nudge ON tasks(done_at, next_nudge_at);
    """,
    # Defences against floods and leaks: who sent a complaint (a normalised mailbox) and
    # whether it is held for staff; the neutral subject the Sekretaris gives (`Pokok:`);
    # the normalised recipient mailbox of each mail; staff alerts folded into a digest.
    """
    ALTER TABLE complaints ADD COLUMN sender TEXT;
    ALTER TABLE complaints ADD COLUMN held_at TEXT;
    ALTER TABLE complaints ADD COLUMN pokok TEXT;
    ALTER TABLE complaints ADD COLUMN sapaan TEXT;
    CREATE INDEX complaints_sender ON complaints(sender, received_at);
    CREATE INDEX complaints_held ON complaints(held_at) WHERE held_at IS NOT NULL;
    ALTER TABLE outbox ADD COLUMN mailbox TEXT;
    UPDATE outbox SET mailbox = recipient;
    DROP INDEX outbox_recipient;
    CREATE INDEX outbox_mailbox ON outbox(mailbox, kind, created_at);
    CREATE TABLE digest (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        complaint_id INTEGER REFERENCES complaints(id),
        at TEXT NOT NULL,
        text TEXT NOT NULL,
        sent_at TEXT
    );
    CREATE INDEX digest_pending ON digest(sent_at, kind);
    """,
    # The office's practice around the SOP: the konsep awaiting the signer's approval; a step's
    # clock paused while the complainant completes their complaint (`Lengkapi:`); deadlines
    # extended by the Camat (`Perpanjang:`).
    """
    ALTER TABLE complaints ADD COLUMN draft TEXT;
    ALTER TABLE complaints ADD COLUMN paused_at TEXT;
    ALTER TABLE complaints ADD COLUMN pause_reason TEXT;
    CREATE INDEX complaints_paused ON complaints(paused_at) WHERE paused_at IS NOT NULL;
    ALTER TABLE tasks ADD COLUMN extended_days INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE complaints ADD COLUMN forwarded_to TEXT;
    ALTER TABLE complaints ADD COLUMN forwarded_email TEXT;
    ALTER TABLE letters ADD COLUMN kind TEXT NOT NULL DEFAULT 'jawaban';
    CREATE TABLE section_requests (
        id INTEGER PRIMARY KEY,
        complaint_id INTEGER NOT NULL REFERENCES complaints(id),
        section TEXT NOT NULL,
        email TEXT NOT NULL,
        token TEXT NOT NULL UNIQUE,
        asked_at TEXT NOT NULL,
        answered_at TEXT,
        text TEXT
    );
    CREATE INDEX section_requests_complaint ON section_requests(complaint_id);
    ALTER TABLE complaints ADD COLUMN answered_at TEXT;
    ALTER TABLE complaints ADD COLUMN satisfaction TEXT;
    ALTER TABLE complaints ADD COLUMN rating INTEGER;
    CREATE INDEX complaints_answered ON complaints(state, answered_at);
    ALTER TABLE complaints ADD COLUMN place_key TEXT;
    CREATE INDEX complaints_place ON complaints(place_key, received_at) WHERE place_key IS NOT NULL;
    ALTER TABLE complaints ADD COLUMN linked_to INTEGER REFERENCES complaints(id);
    CREATE INDEX complaints_linked ON complaints(linked_to) WHERE linked_to IS NOT NULL;
    CREATE TABLE reports_sent (
        key TEXT PRIMARY KEY,
        sent_at TEXT NOT NULL
    );
    """,
    # 11: how many lines of an official's email were not recorded (quotation, signature), so the
    # history shows a wrong cut of a reply at once (intake.reply).
    """
    ALTER TABLE events ADD COLUMN left_out INTEGER NOT NULL DEFAULT 0;
    """,
    # 12: the staff desk's accounts (argon2id hashes), its sessions (only a hash of the cookie's
    # token is kept, so a copy of the book opens no session) and its login attempts (the limit).
    """
    CREATE TABLE desk_users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('staf', 'pimpinan', 'admin')),
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        password_changed_at TEXT NOT NULL
    );
    CREATE TABLE desk_sessions (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES desk_users(id) ON DELETE CASCADE,
        started_at TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        address TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX desk_sessions_user ON desk_sessions(user_id);
    CREATE TABLE desk_logins (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        name TEXT NOT NULL,
        address TEXT NOT NULL,
        ok INTEGER NOT NULL
    );
    CREATE INDEX desk_logins_address ON desk_logins(address, at);
    CREATE INDEX desk_logins_name ON desk_logins(name, at);
    """,
    # 13: full-text search of the book for the desk (number, name, subject, text), kept in step
    # with the complaints by triggers (sop.book.search: sqlite-utils' FTS5 helper).
    "search",
) + LATER_MIGRATIONS
