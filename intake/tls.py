"""TLS client contexts for the office's mail servers, made once per setting.

Loading the system's CA bundle takes tens of milliseconds, and the daemon connects to IMAP
every poll and to SMTP every time mail is due; one context serves every connection (an
SSLContext is meant to be shared). A changed CA file is read at the next start.
"""

from __future__ import annotations

import functools
import ssl


@functools.lru_cache(maxsize=8)
def client_context(ca_file: str | None, verify: bool) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=ca_file)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context
