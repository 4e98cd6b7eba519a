"""Check: sources → findings.

In: a loaded set and the project (schemas, catalogues, kinds). Out: positioned Danish findings,
all at once: each document against its JSON Schema (schema.py), then ids across the set and each
kind's own rules (validate.py). Also the checks of a Word template against a kind's model
(template.py) and of a .docx package's structure (docx.py). Nothing here writes.
"""
