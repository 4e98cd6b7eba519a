"""aftaler: agreements written as YAML in git → Landsbyggefonden's official documents.

Data flows one way, one folder per stage:

- load/      files on disk → Source (data with a position for every value), AgreementSet
- check/     sources → findings: JSON Schema, then the kinds' rules across documents
- model/     a valid set → one model per document (completed, every figure computed)
- kinds/     one module per document kind: its rules (check) and its model (model)
- render/    models → bytes: Word files, the budget workbook, the site, the figures
- review/    two revisions → one change set → reports, approval, Word redlines
- build/     the pipeline over all of it: freshness, parallel sets, atomic writes
- authoring/ what authors start from: new sets, a new repository, the editor's schemas

Beside them: findings.py and reporters.py (what a run says, and how it is printed),
project.py (where kinds, templates and catalogues come from), cli.py (the command line).
"""
