"""Background jobs: a registry, a queue (in process on SQLite, `prism worker` on PostgreSQL)."""
