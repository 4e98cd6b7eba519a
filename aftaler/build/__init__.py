"""Build: the pipeline over every stage, and what makes it safe and fast.

In: paths and an output folder. Out: the written files, or findings and nothing written.
pipeline.py reads top to bottom (find → load → check → model → render → write); freshness.py
keys what can be skipped and records where outputs came from; atomic.py writes each file whole
or not at all; watch.py rebuilds and serves the site while an author edits.
"""
