"""Notifications: what other domains tell the people concerned, each read by its person."""
