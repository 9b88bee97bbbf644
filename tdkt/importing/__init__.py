"""Nomination lists from spreadsheets: safe reading, header detection, validation, one-transaction commit, undo."""
