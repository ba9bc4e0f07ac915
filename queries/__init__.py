"""Warehouse access: schema, ingest and aggregate queries (SQLAlchemy Core, no Streamlit)."""
