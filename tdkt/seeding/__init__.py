"""The initial data (the 2024 plan, units, clusters, catalogue, accounts) and the demo database."""
