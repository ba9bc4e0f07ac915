#!/usr/bin/env bash
# Regenerate the report pictures in docs/images from a sample warehouse:
#   bash scripts/report_images.sh [DB_URL] [QUARTER] [COMPANY_ID]
# PDF pages are rendered with pdftoppm (poppler-utils). Slides are rendered by LibreOffice
# Impress from the .pptx itself (apt-get install --no-install-recommends libreoffice-impress);
# it is only needed here, never by the tests or the dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
db="${1:-duckdb:///data/sample_warehouse.duckdb}"
quarter="${2:-2026Q3}"
company="${3:-C01280}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
images=docs/images

"$python" cli.py report --db "$db" --quarter "$quarter" --out "$work/quarterly.pdf"
"$python" cli.py report --db "$db" --quarter "$quarter" --out "$work/quarterly_ko.pdf" --language ko
"$python" cli.py report --db "$db" --quarter "$quarter" --out "$work/deck.pptx"
"$python" cli.py report --db "$db" --quarter "$quarter" --company "$company" --out "$work/firm.pdf"

pdftoppm -r 72 -png -f 1 -l 3 "$work/quarterly.pdf" "$work/pdf"
pdftoppm -r 72 -png -f 1 -l 1 "$work/quarterly_ko.pdf" "$work/pdf_ko"
pdftoppm -r 72 -png -f 1 -l 1 "$work/firm.pdf" "$work/firm"
soffice -env:UserInstallation="file://$work/lo" --headless --convert-to pdf --outdir "$work" \
  "$work/deck.pptx" >/dev/null
pdftoppm -r 48 -png -f 1 -l 9 "$work/deck.pdf" "$work/slide"

"$python" - "$work" "$images" <<'PY'
"""Lay PDF pages side by side and slides three across, on white, as PNG files."""
import sys
from pathlib import Path

from PIL import Image

work, images = Path(sys.argv[1]), Path(sys.argv[2])


def sheet(paths: list[Path], across: int, out: Path, gap: int = 12) -> None:
    tiles = [Image.open(p).convert("RGB") for p in paths]
    width, height = tiles[0].size
    rows = -(-len(tiles) // across)
    canvas = Image.new("RGB", (across * width + (across + 1) * gap, rows * height + (rows + 1) * gap), "#d9d9d9")
    for i, tile in enumerate(tiles):
        canvas.paste(tile, (gap + (i % across) * (width + gap), gap + (i // across) * (height + gap)))
    canvas.save(out, optimize=True)


sheet(sorted(work.glob("pdf-*.png")), 3, images / "report_pdf_pages.png")
sheet([*sorted(work.glob("pdf_ko-*.png")), *sorted(work.glob("firm-*.png"))], 2,
      images / "report_pdf_korean_and_firm.png")
sheet(sorted(work.glob("slide-*.png")), 3, images / "report_slides.png")
PY
ls -l "$images"/report_*.png
