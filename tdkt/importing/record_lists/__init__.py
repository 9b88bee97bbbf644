"""Importing personal records: ratings, discipline, past awards, initiatives."""
