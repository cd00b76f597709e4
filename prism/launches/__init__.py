"""Launches: tiers, bills of materials, readiness gates, beta customers and 30/60/90-day metrics."""
