"""The words of the procedure, each with one owner: channels, states, and how a person reads
them in a mail, a letter, a table or a report. Pure data.

A channel or a state added here must have its words in every table below; a test walks them
(a complaint recorded from SP4N-LAPOR! once got a letter saying "melalui lapor").
"""

from __future__ import annotations

# How a complaint reached the office (the `channel` column).
CHANNELS = ("email", "langsung", "telepon", "surat", "lapor")  # what staff record; "sms" comes by the gateway (office.sms)

# The channel as a mail, a table or the recap names it.
CHANNEL_WORDS = {"email": "surel", "langsung": "datang langsung", "telepon": "telepon", "surat": "surat",
                 "lapor": "SP4N-LAPOR!", "web": "formulir daring", "sms": "SMS"}

# The channel as the letter's opening sentence says it: "… pengaduan Bapak/Ibu … melalui <this> …".
CHANNEL_IN_LETTER = {"email": "surat elektronik (surel)", "langsung": "kunjungan langsung ke kantor kami",
                     "telepon": "telepon", "surat": "surat", "lapor": "SP4N-LAPOR!",
                     "web": "formulir pengaduan di laman kantor kami", "sms": "SMS"}

# Where a complaint stands (the `state` column), and how staff read it.
OPEN, CLOSED, REJECTED, FORWARDED = "open", "closed", "rejected", "forwarded"
ANSWERED = "answered"  # the answer was delivered; the complainant may say PUAS or TIDAK PUAS
LINKED = "linked"  # joined to another complaint (`gabung`): handled and answered with it
STATES = (OPEN, ANSWERED, CLOSED, REJECTED, FORWARDED, LINKED)
STATE_WORDS = {OPEN: "terbuka", ANSWERED: "dijawab", CLOSED: "selesai", REJECTED: "ditolak",
               FORWARDED: "dilimpahkan", LINKED: "digabung"}

# How a complainant judged the answer (`satisfaction` column): PUAS, TIDAK PUAS, or silence.
SATISFIED, DISSATISFIED, SILENT = "puas", "tidak_puas", "tidak_menanggapi"
SATISFACTION_WORDS = {SATISFIED: "puas", DISSATISFIED: "tidak puas", SILENT: "tidak menanggapi"}


def channel_words(channel: str) -> str:
    return CHANNEL_WORDS.get(channel, channel)


def state_words(state: str) -> str:
    return STATE_WORDS.get(state, state)


# How a letter names the complainant (`Sapaan:` at step 2): the form before the name in the
# Yth. block, and the word the body uses for "you". Saudara/Saudari is the neutral default.
SALUTATIONS = {"Bapak": "Bapak", "Ibu": "Ibu", "Sdr.": "Saudara", "Sdri.": "Saudari"}
DEFAULT_SALUTATION = "Sdr."
_SALUTATION_WORDS = {"bapak": "Bapak", "bpk": "Bapak", "pak": "Bapak", "ibu": "Ibu", "bu": "Ibu",
                     "sdr": "Sdr.", "saudara": "Sdr.", "sdri": "Sdri.", "saudari": "Sdri."}


def salutation(value: str | None) -> str | None:
    """The salutation a `Sapaan:` value names (Bapak, Ibu, Sdr., Sdri.), else None."""
    word = (value or "").strip().lower().rstrip(".").split(" ")[0]
    return _SALUTATION_WORDS.get(word)
