"""Search: keyword, typo-tolerant and semantic search of the knowledge core; what found nothing."""
