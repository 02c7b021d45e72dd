"""The procedure and its record: the SOP as data (procedure), the pure engine `advance`,
keywords, the words of channels and states (terms), office time and deadlines (clock), who
performs each role (directory), the schema's migrations (schema, schema_later), private files
(files), and the buku pengaduan, the only SQL (sop.book: its store, read cache, search, typed
records and one class per kind of record).

May import: the standard library, templates (the default SOP) and its own modules only.
"""
