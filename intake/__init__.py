"""What arrives: the mailbox adapter (imap-tools), parsing raw mail into one typed record,
classification by an ordered table of rules, reply extraction, Authentication-Results, the
normalisation of text from outside, the record of a message parsed ahead, OAuth2 tokens and TLS.

Pure at its core (parse, classify, reply, authresults, text); I/O only in mailbox (the parse
worker, which writes private files, is a runner: jobs.parse_ahead). May import: the standard
library and its own modules only. Never sop, letters, office or jobs.
"""
