"""What arrives: the mailbox adapter (imap-tools), parsing raw mail into one typed record,
classification by an ordered table of rules, reply extraction, Authentication-Results, the
normalisation of text from outside, the parse-ahead worker, OAuth2 tokens and TLS.

Pure at its core (parse, classify, reply, authresults, text); I/O only in mailbox and
parse_ahead. May import: the standard library and its own modules, and sop.files (the
parse worker writes private files). Never office, letters or jobs.
"""
