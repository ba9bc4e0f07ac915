"""Pure scoring functions over polars frames (no SQL, no Streamlit, no I/O)."""
