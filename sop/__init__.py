"""The procedure and its record: the SOP as data (procedure), the pure engine `advance`,
keywords, the words of channels and states (terms), office time and deadlines (clock), who
performs each role (directory), and the buku pengaduan, the only SQL (store, book, cache,
schema), with private files (files).

May import: the standard library, templates (the default SOP) and its own modules only.
"""
