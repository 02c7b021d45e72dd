"""The application: the `Office` (its configuration and book, who acts for it) and every
use-case a person or a message performs, each taking `now`: recording a complaint
(arrivals, recording, attachments), acting on a step (apply: the one call of the engine),
every mail (notices, meetings), issuing and dispatching letters (issuing), deadlines,
what staff do at the desk (commands), views, reports, privacy, backups, configuration.

The command line, the daemon and the web desk call these functions and nothing below them
directly. May import: intake, sop, letters, templates and its own modules; never jobs.
"""
