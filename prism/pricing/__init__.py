"""Pricing and packaging: what each edition and add-on of a product carries, and what it costs."""
