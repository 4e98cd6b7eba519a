#!/usr/bin/env bash
# Installs what the editor tests (tests/test_editor.py) need: Node.js and npm (Debian packages, if
# missing) and the pinned yaml-language-server from tests/editor/package-lock.json (`npm ci`).
# Idempotent; prints nothing when everything is present. Exit 3: Node.js could not be installed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  sudo=; [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "Installerer nodejs og npm (Debian-pakker) …"
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }; then
    echo "nodejs kunne ikke installeres" >&2
    exit 3
  fi
fi
editor="$here/tests/editor"
stamp="$editor/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$editor/package-lock.json" -nt "$stamp" ]; then
  echo "Installerer yaml-language-server (npm, låst i tests/editor/package-lock.json) …"
  (cd "$editor" && npm ci --no-audit --no-fund --silent)
fi
