"""Reading prescription exports (FORMATS.md) and loading them into the database."""
