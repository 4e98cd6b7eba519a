"""The one value type the model adds to what the loader read."""
from __future__ import annotations


class AuthorMarkdown(str):
    """A value of a Markdown field (the schema's `tekst`), as the author wrote it: a str that
    says so, for what cannot know the schema (the site's page for a kind without a template of
    its own). Everything else sees a str."""
