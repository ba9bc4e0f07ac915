"""Streamlit pages: widgets, layout and charts only (no SQL, no statistics)."""
