#!/usr/bin/env python3
"""Thin entry point: `python build.py validate|build|check-template …` (see README)."""
from aftaler.cli import run

if __name__ == "__main__":
    run()
