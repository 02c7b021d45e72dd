"""`python -m jobs.cli`: the same command as `pengaduan`."""

from jobs.cli import main

main()
