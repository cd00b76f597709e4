"""The audit log: who changed what and when, captured from every unit of work, and read back."""
