"""Channel rendering: one piece of structured knowledge becomes a sales deck, a talk, a whitepaper,
a one-pager, a battlecard or an FAQ sheet, in the company's brand theme."""
