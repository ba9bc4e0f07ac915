"""A font for PDF reports that holds Hangul and Latin, embedded so the file prints anywhere.

reportlab embeds TrueType-outline fonts only: Debian's Noto CJK (`fonts-noto-cjk`) ships
PostScript (CFF) outlines in .ttc collections, which reportlab rejects, so the default is
Nanum Gothic from Debian's `fonts-nanum` (TrueType outlines, Hangul and Latin). RADAR_REPORT_FONT
(and RADAR_REPORT_FONT_BOLD) name another .ttf; otherwise any Korean font fontconfig lists that
reportlab can embed is taken. With none at all, reportlab's built-in Korean CID font is used:
the text is still real Hangul, but the glyphs are not embedded and come from the reader's fonts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FONT_VAR = "RADAR_REPORT_FONT"
BOLD_FONT_VAR = "RADAR_REPORT_FONT_BOLD"
NANUM = Path("/usr/share/fonts/truetype/nanum")
KNOWN_FONTS: tuple[tuple[Path, Path], ...] = (
    (NANUM / "NanumGothic.ttf", NANUM / "NanumGothicBold.ttf"),
    (NANUM / "NanumBarunGothic.ttf", NANUM / "NanumBarunGothicBold.ttf"),
)
CID_FALLBACK = "HYGothic-Medium"
REGULAR, BOLD = "RadarSans", "RadarSans-Bold"


@dataclass(frozen=True)
class ReportFonts:
    """The registered regular and bold font names, and whether their glyphs are embedded."""

    regular: str
    bold: str
    embedded: bool
    source: str


def _fontconfig_korean() -> list[Path]:
    """Korean fonts fontconfig knows, TrueType files first (empty without fc-list)."""
    if shutil.which("fc-list") is None:
        return []
    listed = subprocess.run(
        ["fc-list", ":lang=ko", "file"], capture_output=True, text=True, check=False
    ).stdout
    paths = sorted({Path(line.split(":")[0].strip()) for line in listed.splitlines() if line})
    return sorted(paths, key=lambda p: (p.suffix.lower() != ".ttf", str(p)))


def _candidates() -> list[tuple[Path, Path | None]]:
    """Regular and bold font files to try, in order of preference."""
    chosen = os.environ.get(FONT_VAR)
    found: list[tuple[Path, Path | None]] = []
    if chosen:
        bold = os.environ.get(BOLD_FONT_VAR)
        found.append((Path(chosen), Path(bold) if bold else None))
    found += [(regular, bold) for regular, bold in KNOWN_FONTS if regular.is_file()]
    found += [(path, None) for path in _fontconfig_korean()]
    return found


def _try_truetype(name: str, path: Path) -> bool:
    """Register a TrueType font under `name`; False if reportlab cannot embed it."""
    try:
        pdfmetrics.registerFont(TTFont(name, str(path)))
    except (TTFError, OSError):
        return False
    return True


@cache
def report_fonts() -> ReportFonts:
    """Register (once per process) and return the fonts every PDF report uses."""
    for regular, bold in _candidates():
        if not _try_truetype(REGULAR, regular):
            if os.environ.get(FONT_VAR) and regular == Path(os.environ[FONT_VAR]):
                raise ValueError(
                    f"{FONT_VAR}={regular} is not a TrueType font reportlab can embed."
                )
            continue
        bold_name = BOLD if bold is not None and _try_truetype(BOLD, bold) else REGULAR
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, bold_name)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, bold_name)
        return ReportFonts(REGULAR, bold_name, True, str(regular))
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return ReportFonts(CID_FALLBACK, CID_FALLBACK, False, CID_FALLBACK)
