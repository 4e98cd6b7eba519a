"""Model: a valid set → the data every renderer reads.

In: a set that passed its checks. Out: one `DocumentModel` per document (documents.py): the data
completed so every schema field is there, plus each kind's computed figures (kinds/*.py), and
the status note's model (status.py). Templates never calculate: what they show is here.
"""
