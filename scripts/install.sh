#!/usr/bin/env bash
# Create .venv (if missing) and install a requirements file into it. Usage: install.sh FILE
set -euo pipefail
cd "$(dirname "$0")/.."
requirements="${1:-requirements.txt}"
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  python3 -m venv .venv
fi
echo "== installing $requirements"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
