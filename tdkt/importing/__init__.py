"""Spreadsheets in: the safe reader, and the importers of nomination lists, record lists and cluster sheets."""
