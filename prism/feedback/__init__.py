"""The feedback loop: what the field hears, taken in, grouped into themes, weighted by revenue."""
