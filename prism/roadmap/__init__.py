"""The enablement roadmap: capabilities the field asks for, requests for deal help, and rules."""
