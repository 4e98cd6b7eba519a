#!/usr/bin/env bash
# Installs what the browser tests (tests/test_site.py) need on a fresh Debian machine:
# Debian's chromium, and Playwright for Python into the active Python ($PYTHON, default python3).
# The tests launch /usr/bin/chromium, so Playwright's own browser download is never needed.
# Idempotent; prints nothing when everything is present.
set -euo pipefail
python=${PYTHON:-python3}
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    sudo=sudo
  else
    sudo=
  fi
  echo "Installerer chromium (Debian-pakke) …"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
if ! "$python" -c "import playwright.sync_api" >/dev/null 2>&1; then
  echo "Installerer playwright (PyPI) i $python …"
  "$python" -m pip install --quiet playwright
fi
