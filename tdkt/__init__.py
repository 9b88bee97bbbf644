"""TĐKT Dashboard: the domain (models, database, import, rules, statistics, reports) without any UI."""
