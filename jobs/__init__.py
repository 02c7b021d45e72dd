"""What starts and runs things: the command line (jobs/cli/), the daemon and its runners
(incoming: the mailbox side of intake, with its parse-ahead worker; outgoing: the only code
that speaks SMTP), doctor, and the demo with its loopback mail rig (jobs/demo/).

Each entry point parses, calls office, and prints. May import: office, intake, sop,
letters, templates. Nothing imports jobs (the tests use jobs.demo's rig).
"""
