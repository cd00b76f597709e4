"""Home: what needs the signed-in person now, drawn from every capability by role."""
