"""`python -m aftaler …`: the same program as the `aftaler` command."""
from .cli import run

run()
