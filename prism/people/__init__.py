"""People and teams: accounts, roles, teams, passwords, and who may see whom."""
