"""Analytics: usage events, the influence of content on deals, and the dashboards."""
