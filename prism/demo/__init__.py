"""The demo company, Helio Systems: people, knowledge, kits, launches, training and feedback."""
