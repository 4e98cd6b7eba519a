"""Load: files on disk → sources.

In: a path (a set folder, a folder of sets, or one YAML file). Out: `AgreementSet`s of `Source`s,
each holding its data and a file:line:column for every value, plus the findings met on the way
(a file that cannot be read or parsed is a finding, never an exception).
"""
