"""Sales toolkits: a standard, plug-and-play kit per product for small fast deals, and a kit
assembled for one large deal, every entry saying why it is there."""
