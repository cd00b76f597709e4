"""Outgoing webhooks: Prism tells other systems what happened, signed, and retried until heard."""
