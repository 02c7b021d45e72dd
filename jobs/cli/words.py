"""Click's own words in Bahasa Indonesia ("Usage:", "Error: Missing option", "Try … --help").

Click asks the standard `gettext` for each of its messages (module-level `_` and `ngettext`
in its modules); we answer from this table and fall back to click's English for anything
new. Installed once, before a command runs.
"""

from __future__ import annotations

import importlib

WORDS = {
    "Usage:": "Pemakaian:",
    "Options": "Opsi",
    "Commands": "Perintah",
    "Positional arguments": "Argumen",
    "Error: {message}": "Kesalahan: {message}",
    "Try '{command} {option}' for help.": "Lihat '{command} {option}' untuk bantuan.",
    "Missing argument": "Argumen belum diisi",
    "Missing option": "Opsi belum diisi",
    "Missing parameter": "Parameter belum diisi",
    "Missing {param_type}": "{param_type} belum diisi",
    "Missing parameter: {param_name}": "Parameter belum diisi: {param_name}",
    "Missing command.": "Perintah belum disebut.",
    "No such command {name!r}.": "Tidak ada perintah {name!r}.",
    "No such option {name!r}.": "Tidak ada opsi {name!r}.",
    "No such option: {name}": "Tidak ada opsi: {name}",
    "Invalid value for {param_hint}: {message}": "Nilai {param_hint} tidak valid: {message}",
    "Invalid value: {message}": "Nilai tidak valid: {message}",
    "Option {name!r} does not take a value.": "Opsi {name!r} tidak menerima nilai.",
    "Show this message and exit.": "Tampilkan bantuan ini lalu keluar.",
    "Show the version and exit.": "Tampilkan versi lalu keluar.",
    "Aborted!": "Dibatalkan.",
    "Do you want to continue?": "Lanjutkan?",
    "Confirm the action without prompting.": "Setujui tanpa ditanya.",
    "Error: invalid input": "Kesalahan: masukan tidak valid",
    "Repeat for confirmation": "Ulangi untuk konfirmasi",
    "Error: The two entered values do not match.": "Kesalahan: kedua isian tidak sama.",
    "{value!r} is not a valid {number_type}.": "{value!r} bukan {number_type} yang valid.",
    "{value} is not in the range {range}.": "{value} di luar rentang {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} tidak ada.",
    "{name} {filename!r} is a file.": "{name} {filename!r} adalah berkas, bukan folder.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} adalah folder, bukan berkas.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} tidak dapat dibaca.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} tidak dapat ditulisi.",
    "Could not open file {filename!r}: {message}": "Berkas {filename!r} tidak dapat dibuka: {message}",
    "file": "berkas",
    "directory": "folder",
    "path": "jalur",
    "default: {default}": "bawaan: {default}",
    "env var: {var}": "variabel lingkungan: {var}",
    "deprecated": "usang",
    "required": "wajib",
    "Choose from:\n\t{choices}": "Pilih salah satu:\n\t{choices}",
    # ngettext pairs: the singular is the key, (singular, plural) the value.
    "Got unexpected extra argument ({args})": ("Argumen tambahan tidak dikenal ({args})",
                                               "Argumen tambahan tidak dikenal ({args})"),
    "Option {name!r} requires an argument.": ("Opsi {name!r} memerlukan nilai.",
                                              "Opsi {name!r} memerlukan {nargs} nilai."),
    "{value!r} is not {choice}.": ("{value!r} bukan {choice}.", "{value!r} bukan salah satu dari {choices}."),
    "{value!r} does not match the format {format}.": ("{value!r} tidak sesuai format {format}.",
                                                      "{value!r} tidak sesuai format {formats}."),
    "Did you mean {possibility}?": ("Mungkin maksud Anda {possibility}?",
                                    "(Mungkin maksud Anda salah satu dari: {possibilities}?)"),
    "Takes {nargs} values but 1 was given.": ("Memerlukan {nargs} nilai, tetapi 1 yang diberikan.",
                                              "Memerlukan {nargs} nilai, tetapi {len} yang diberikan."),
}


def gettext(message: str) -> str:
    word = WORDS.get(message, message)
    return word if isinstance(word, str) else word[0]


def ngettext(singular: str, plural: str, n: int) -> str:
    word = WORDS.get(singular)
    if isinstance(word, tuple):
        return word[0] if n == 1 else word[1]
    return singular if n == 1 else plural


def install() -> None:
    for name in ("core", "exceptions", "formatting", "decorators", "parser", "types", "termui", "utils"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
