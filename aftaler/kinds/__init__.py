"""One module per document kind that has rules or computed fields beyond its schema.

A kind module may define:
- `check(source, aset, context) -> list[Finding]`: rules spanning documents (after the schema);
- `model(source, aset, context) -> dict`: the template's context, with every computed figure.
"""
