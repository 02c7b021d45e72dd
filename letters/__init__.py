"""What the office writes: the reply letter from plain data to sealed .docx (render, press,
model, seal, verify), its PDF copy (pdf), the email messages (mail), dates in Indonesian,
and what each file format can hold (safe).

Takes plain data (the office gives it every word it prints), never the book. May import:
templates and its own modules only. Never intake, sop, office or jobs.
"""
