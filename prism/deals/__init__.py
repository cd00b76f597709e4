"""Deals: the context a seller works in (customer, industry, products, personas, competitors,
value, cycle, stage) and how it ended, which teaches the toolkit what helps win."""
