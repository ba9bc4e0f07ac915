"""Personal-data masking for everything Complaint Radar shows or exports (issue 9)."""

from privacy.masking import (
    PII_TYPES,
    TOKENS,
    Finding,
    confidence,
    find_pii,
    mask_expr,
    mask_frame,
    mask_text,
)

__all__ = [
    "PII_TYPES",
    "TOKENS",
    "Finding",
    "confidence",
    "find_pii",
    "mask_expr",
    "mask_frame",
    "mask_text",
]
