"""Render: models → bytes. Writes nothing; the build writes.

- word.py, richtext.py, docx_package.py, template_cache.py: a model into its Word template
  (docxtpl), Markdown as real Word content, a deterministic package with traceable properties
- workbook.py: the budget as an Excel workbook with live formulas
- site/: Markdown and HTML pages, the index and the offline search
- figures/: charts and the organisation diagram, as SVG and PNG
- status.py: the status note as a Word file and a page
"""
