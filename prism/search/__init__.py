"""Search: keyword, typo-tolerant and semantic search over the knowledge core; what found nothing."""
