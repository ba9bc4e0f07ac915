#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need (Debian packages and pip
# requirements), starts a throwaway PostgreSQL on 127.0.0.1, runs pytest, and stops the server.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k ingest`.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# Korean glyphs for the browser screenshots of the Korean interface.
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
# A TrueType Korean font that reportlab can embed in PDF reports (Noto CJK's outlines are CFF).
[ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] || missing+=(fonts-nanum)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

bash scripts/install.sh requirements-dev.txt

echo "== starting a throwaway PostgreSQL"
source scripts/pg_throwaway.sh
pg_throwaway_start
trap pg_throwaway_stop EXIT
export RADAR_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:${PG_PORT}/postgres"

echo "== running the tests"
# DuckDB's nanobind bindings print a "leaked objects" report to stderr at interpreter exit after
# a full run (harmless: the process is ending). It would bury pytest's summary line, so those
# lines are dropped; pytest's own exit status is kept.
.venv/bin/python -m pytest "$@" 2> >(grep -v -E '^(nanobind: | - leaked | - \.\.\. skipped|See https://nanobind)' >&2)
