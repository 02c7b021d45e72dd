"""The book's migrations from 14 on (sop.schema holds the first ones and the whole tuple).

Append only, as sop.schema says: a new migration goes at the end of this tuple.
"""

LATER_MIGRATIONS = (
    # 14: proposals: an official's action that staff record on their behalf waits, with a token of
    # its own (never a task token), for that official's `Benar` (office.proposals); and a desk
    # account's own address, so that an official logged in at the desk is that official.
    """
    CREATE TABLE proposals (
        id INTEGER PRIMARY KEY,
        complaint_id INTEGER NOT NULL REFERENCES complaints(id),
        task_id INTEGER NOT NULL REFERENCES tasks(id),
        step INTEGER NOT NULL,
        role TEXT NOT NULL,
        official TEXT NOT NULL,
        text TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        token TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL DEFAULT 'menunggu'
            CHECK (state IN ('menunggu', 'dikonfirmasi', 'ditolak', 'dibatalkan')),
        decided_at TEXT,
        decided_by TEXT
    );
    CREATE INDEX proposals_complaint ON proposals(complaint_id, id);
    ALTER TABLE desk_users ADD COLUMN email TEXT;
    """,
    # 15: a complaint's reply token (the Reply-To of the mails to its complainant: only a reply
    # to it, or to a mail we sent them, carries the complainant's word), and each outgoing mail's
    # return-path token (VERP: a delivery report counts only when it comes back to that address).
    """
    ALTER TABLE complaints ADD COLUMN reply_token TEXT;
    CREATE UNIQUE INDEX complaints_reply_token ON complaints(reply_token) WHERE reply_token IS NOT NULL;
    ALTER TABLE outbox ADD COLUMN bounce_token TEXT;
    CREATE UNIQUE INDEX outbox_bounce_token ON outbox(bounce_token) WHERE bounce_token IS NOT NULL;
    """,
    # 16: letters waiting for their number from the office's agenda surat keluar ([letters]
    # numbering = "agenda"): what resumes the issue, the keeper's token, and the number given.
    """
    CREATE TABLE number_requests (
        id INTEGER PRIMARY KEY,
        complaint_id INTEGER NOT NULL REFERENCES complaints(id),
        kind TEXT NOT NULL,
        resume TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        token TEXT NOT NULL UNIQUE,
        requested_at TEXT NOT NULL,
        number TEXT,
        numbered_at TEXT,
        numbered_by TEXT
    );
    CREATE INDEX number_requests_open ON number_requests(numbered_at, complaint_id);
    """,
    # 17: a complaint's access code (kode akses), printed on its receipt and acknowledgement, with
    # which anyone may ask its state by mail (office.status). Complaints already in the book get
    # one here, six characters of intake.citizen.CODE_ALPHABET from SQLite's random() (seeded by
    # the system's randomness); new ones get theirs from `secrets` when they are recorded.
    """
    ALTER TABLE complaints ADD COLUMN access_code TEXT;
    UPDATE complaints SET access_code =
        substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + abs(random() % 31), 1) ||
        substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + abs(random() % 31), 1) ||
        substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + abs(random() % 31), 1) ||
        substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + abs(random() % 31), 1) ||
        substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + abs(random() % 31), 1) ||
        substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + abs(random() % 31), 1);
    """,
    # 18: how each letter is signed ([letters] signing: segel, basah, tte), the signed copy that is
    # delivered and filed (a wet-signed scan, a TTE-signed PDF) with its SHA-256, and for TTE the
    # unsigned PDF handed to the signer, its text's hash and page count (the signed PDF must
    # match them), and the token of the signer's mail (a reply citing it brings the signed PDF).
    """
    ALTER TABLE letters ADD COLUMN signing TEXT NOT NULL DEFAULT 'segel';
    ALTER TABLE letters ADD COLUMN signed_path TEXT;
    ALTER TABLE letters ADD COLUMN signed_sha256 TEXT;
    ALTER TABLE letters ADD COLUMN signed_at TEXT;
    ALTER TABLE letters ADD COLUMN unsigned_pdf TEXT;
    ALTER TABLE letters ADD COLUMN approved_text_sha256 TEXT;
    ALTER TABLE letters ADD COLUMN approved_pages INTEGER;
    ALTER TABLE letters ADD COLUMN sign_token TEXT;
    CREATE UNIQUE INDEX letters_sign_token ON letters(sign_token) WHERE sign_token IS NOT NULL;
    CREATE INDEX letters_signed_sha256 ON letters(signed_sha256) WHERE signed_sha256 IS NOT NULL;
    """,
    # 19: new complaints enter the search index at their transaction's commit, one statement for
    # all of them (sop.book.store, sop.book.search_index), instead of by a trigger per row (three times the cost at
    # intake); changes and removals follow only rows the index holds.
    "search in step",
    # 20: the staff desk's accounts name the person (full name, NIP, jabatan: receipts and the
    # history carry them, never a login name), an administrator's unlock after failed logins
    # (failures before it no longer count), and the message shown after a desk action, kept
    # with the session on the server (never text from the URL).
    """
    ALTER TABLE desk_users ADD COLUMN full_name TEXT NOT NULL DEFAULT '';
    ALTER TABLE desk_users ADD COLUMN nip TEXT NOT NULL DEFAULT '';
    ALTER TABLE desk_users ADD COLUMN jabatan TEXT NOT NULL DEFAULT '';
    ALTER TABLE desk_users ADD COLUMN unlocked_at TEXT;
    ALTER TABLE desk_sessions ADD COLUMN flash TEXT;
    """,
    # 21: what the public complaint form and status page were asked (office.public_intake): each
    # form sent or status asked, from which network address, and its outcome ("diterima", or why it
    # was refused); a form's token at most once among the accepted (one complaint per form, however
    # often it is sent), the fingerprint of an accepted complaint (duplicates), the number asked
    # about (wrong access codes per number). Kept 62 days, enough for the month's recap.
    """
    CREATE TABLE public_requests (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        address TEXT NOT NULL,
        outcome TEXT NOT NULL,
        form_token TEXT,
        fingerprint TEXT,
        number TEXT,
        complaint_id INTEGER REFERENCES complaints(id)
    );
    CREATE UNIQUE INDEX public_requests_form ON public_requests(form_token)
        WHERE kind = 'pengaduan' AND outcome = 'diterima';
    CREATE INDEX public_requests_at ON public_requests(at);
    CREATE INDEX public_requests_address ON public_requests(address, kind, at);
    CREATE INDEX public_requests_fingerprint ON public_requests(fingerprint, at) WHERE fingerprint IS NOT NULL;
    CREATE INDEX public_requests_number ON public_requests(number, at) WHERE number IS NOT NULL;
    """,
    # 22: SMS through the office's Gammu SMSD gateway (office.sms): each SMS to send is a row
    # written in the transaction of the change that causes it, with the stable name it goes to
    # the gateway under (a file name, or the gateway table's CreatorID), marked once written;
    # each SMS received is a row keyed by the gateway's own name for it (file name or row ID),
    # so a message is recorded once however often the reader runs.
    """
    CREATE TABLE sms_outbox (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        complaint_id INTEGER REFERENCES complaints(id),
        kind TEXT NOT NULL,
        phone TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        written_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    CREATE INDEX sms_outbox_pending ON sms_outbox(written_at, id);
    CREATE INDEX sms_outbox_phone ON sms_outbox(phone, kind, created_at);
    CREATE TABLE sms_inbox (
        key TEXT PRIMARY KEY,
        received_at TEXT NOT NULL,
        phone TEXT NOT NULL,
        text TEXT NOT NULL,
        kind TEXT NOT NULL,
        complaint_id INTEGER REFERENCES complaints(id),
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX sms_inbox_phone ON sms_inbox(phone, kind, received_at);
    """,
    # 23: who signs each letter by role (a notice is signed a.n. the head by the official who
    # gave it: that official's TTE application receives it, and only they may return it), and
    # the standard time, reminders and lateness of a letter waiting for its number from the
    # agenda keeper outside the keeper's step (office.numbering), as a task's.
    """
    ALTER TABLE letters ADD COLUMN signer_role TEXT;
    ALTER TABLE number_requests ADD COLUMN due_at TEXT;
    ALTER TABLE number_requests ADD COLUMN reminders INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE number_requests ADD COLUMN escalations INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE number_requests ADD COLUMN last_reminded_at TEXT;
    """,
    # 24: the desk's Laporan figures of a month as last counted (office.recap_figures): the page
    # shows them at once with the moment they were counted, while a newer count runs outside any
    # request; `stamp` is the book's report stamp they were counted at (sop.report_queries).
    """
    CREATE TABLE recap_figures (
        month TEXT PRIMARY KEY,
        counted_at TEXT NOT NULL,
        stamp TEXT NOT NULL,
        figures TEXT NOT NULL
    );
    """,
    # 25: a mail that carries a PDF not made yet (a letter's, the konsep's) waits in the outbox
    # with what it waits for; the PDF job (office.letter_pdfs) adds the file after the commit
    # and clears it, and only then is the mail due: no LibreOffice inside a transaction.
    """
    ALTER TABLE outbox ADD COLUMN awaits_pdf TEXT;
    CREATE INDEX outbox_awaits_pdf ON outbox(id) WHERE awaits_pdf IS NOT NULL;
    """,
)
