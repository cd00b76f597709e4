"""Signing in and staying signed in: sessions, API tokens, the lockout throttle, the role policy."""
