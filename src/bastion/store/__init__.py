"""SQLite (and later PostgreSQL) repositories and versioned migrations."""
