"""Core: settings, database, tables, text, sign-in and roles, the audit log, stored options, units."""
