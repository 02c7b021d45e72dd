"""The names the configuration file may use: every table and key, and the check that names a
typo with the nearest valid name and its line."""

from __future__ import annotations

from office.config_declared import declared_keys
from office.config_public import PUBLIC_KEYS
from office.settings import ConfigError, SecuritySettings, WebSettings

# Every table and key the configuration knows; anything else is a typo to be named.
SECRET = ("password", "password_env")
KNOWN: dict[str, tuple[str, ...]] = {
    "office": ("name", "parent", "address", "contact", "emblem", "meeting_place", "phone", "hours", "counter",
               "handler"),
    "storage": ("database", "files", "outbox"),
    "mailbox": ("host", "port", "username", "address", "security", "folder", "processed_folder", "verify_tls",
                "ca_file", "auth", *SECRET),
    "mailbox.oauth2": ("token_url", "client_id", "client_secret", "client_secret_env", "refresh_token",
                       "refresh_token_env", "scope", "token_store"),
    "smtp": ("host", "port", "security", "username", "verify_tls", "ca_file", "auth", "give_up_hours", *SECRET),
    "sop": ("file", "silence_days"),
    "numbering": ("complaint",),
    "letters": ("classification", "unit", "number_format", "place", "addressee_place", "sifat", "hal", "tembusan",
                "signer", "signer_role", "head", "signer_title", "on_behalf_of", "signing_note", "template", "paper",
                "key", "trusted_keys", "pdf", "pades_certificate", "pades_password", "pades_password_env", "signing",
                "verify_url", "tte_roots",
                "numbering", "reserved", "agenda_time"),  # where a letter's number comes from (office.numbering)
    "letters.classification": ("jawaban", "pelimpahan", "kelengkapan", "perpanjangan", "keberatan", "undangan"),
    "letters.tembusan": ("jawaban", "pelimpahan", "kelengkapan", "perpanjangan", "penolakan", "dilimpahkan",
                         "keberatan"),
    "office_hours": ("hours", "days", "extra_holidays"),
    "intake": ("max_attachment_mb", "max_message_mb", "ack_per_hour", "quarantine_after", "confidential_by_default",
               "max_attachments", "hold_after"),
    "reminders": ("at", "max_per_day"),
    "security": declared_keys(SecuritySettings),  # declared once (office.config_declared)
    "daemon": ("poll_seconds", "log_file"),
    "backup": ("folder", "keep"),
    "privacy": ("retention_days",),
    "reports": ("to", "monthly"),
    "web": declared_keys(WebSettings),
    "publik": PUBLIC_KEYS,  # the public complaint form (office.config_public)
    "sms": ("enabled", "gateway", "inbox", "outbox", "database", "also_with_email", "name"),  # office.config_sms
}
ROLE_KEYS = ("title", "name", "email", "nip", "rank", "signature", "aliases")
SECTION_KEYS = ("name", "head", "email", "title", "aliases")


def _nearest(word: str, choices) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; mungkin maksud Anda '{close[0]}'" if close else ""


def check_names(r) -> None:
    """Refuse unknown tables and keys, naming the line and the nearest valid name."""
    for table, values in r.data.items():
        if table == "roles":
            if not isinstance(values, dict):
                r.fail("roles", None, "harus berupa tabel")
            for role, keys in values.items():
                if role == "sections":
                    for i, section in enumerate(keys if isinstance(keys, list) else []):
                        for key in section:
                            if key not in SECTION_KEYS:
                                raise ConfigError(f"{r.path}: [[roles.sections]] ke-{i + 1}: kunci '{key}' tidak "
                                                  f"dikenal{_nearest(key, SECTION_KEYS)}")
                    continue
                for key in keys if isinstance(keys, dict) else ():
                    if key not in ROLE_KEYS:
                        r.fail(f"roles.{role}", key, f"kunci '{key}' tidak dikenal{_nearest(key, ROLE_KEYS)}")
            continue
        if table not in KNOWN:
            raise ConfigError(f"{r.path}{r.line_of(table)}: bagian [{table}] tidak dikenal"
                              f"{_nearest(table, [*KNOWN, 'roles'])}")
        for key, value in (values.items() if isinstance(values, dict) else ()):
            if isinstance(value, dict) and f"{table}.{key}" in KNOWN:
                for sub in value:
                    if sub not in KNOWN[f"{table}.{key}"]:
                        r.fail(f"{table}.{key}", sub, f"kunci '{sub}' tidak dikenal"
                                                      f"{_nearest(sub, KNOWN[f'{table}.{key}'])}")
            elif key not in KNOWN[table]:
                r.fail(table, key, f"kunci '{key}' tidak dikenal{_nearest(key, KNOWN[table])}")
