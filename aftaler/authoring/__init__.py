"""Authoring: what authors start from and edit with.

scaffold.py writes a new agreement set (`new`) that validates from the first minute.
"""
