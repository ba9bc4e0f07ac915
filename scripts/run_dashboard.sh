#!/usr/bin/env bash
# Install the runtime requirements and start the dashboard. With no warehouse configured it uses
# the embedded sample warehouse, which the dashboard creates on first start (with a progress bar).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh requirements.txt
exec .venv/bin/python -m streamlit run dashboard.py "$@"
