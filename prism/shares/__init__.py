"""Buyer share links: a tracked, expiring, revocable page of customer-shareable items."""
