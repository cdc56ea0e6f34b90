"""Read model: SQLModel tables, engine and sessions, migrations, reference data."""
