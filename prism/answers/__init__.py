"""Answers for tenders and security questionnaires, drawn from the knowledge core's approved
answers (FAQ and security items), each with its source."""
