#!/usr/bin/env bash
# Installs what the tests need outside Python: LibreOffice (a real client that opens our .docx
# and .xlsx files and converts them to PDF), its Python bridge (python3-uno, to accept and reject
# tracked changes as a user would), poppler-utils (pdftotext, pdftoppm), and fonts metric-compatible
# with Arial and Calibri (Liberation, Carlito), so LibreOffice lays the pages out as Word does.
# Debian packages; nothing is downloaded from elsewhere. Does nothing when they are present.
set -euo pipefail
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ -f /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || need+=(fonts-liberation)
[ -f /usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf ] || need+=(fonts-crosextra-carlito)
# The redline tests drive LibreOffice's own Accept/Reject All through UNO from the system Python.
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || need+=(python3-uno)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi
echo "Installerer ${need[*]} (Debian-pakker) …"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
