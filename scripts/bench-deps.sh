#!/usr/bin/env bash
# Installs pandoc, the yardstick the benchmarks compare against (benchmarks/run.py). Debian
# package; does nothing when pandoc is present. Only the benchmarks need it, not the tests.
set -euo pipefail
command -v pandoc >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
echo "Installerer pandoc (Debian-pakke) …"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends pandoc >/dev/null
