#!/usr/bin/env python3
"""Thin entry point: `python build.py validate|build|check-template …` (see README)."""
import sys

from aftaler.cli import main

if __name__ == "__main__":
    sys.exit(main())
