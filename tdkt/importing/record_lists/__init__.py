"""Importing personal records (ratings, discipline, past awards, initiatives): headers, sheet, check, batches."""
