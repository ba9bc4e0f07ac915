"""Who may do what: roles, permissions and password hashing (no SQL, no Streamlit)."""
