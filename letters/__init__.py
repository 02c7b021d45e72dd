"""What the office writes: the reply letter from plain data to sealed .docx (render, press,
model, seal, verify), its PDF copy (pdf), the email messages (mail), dates in Indonesian,
and what each file format can hold (safe).

Takes plain data, never the book. May import: sop (its words and clock), templates, and its
own modules. Never intake, office or jobs.
"""
