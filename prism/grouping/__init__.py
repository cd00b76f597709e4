"""Grouping by meaning, free of any domain: clustering sentence embeddings into themes, and groups
kept as the sum of their members' embeddings (feedback themes, the roadmap's capabilities)."""
