"""Importing nomination lists (danh sách đề nghị khen thưởng): parse, validate, commit, preview."""
