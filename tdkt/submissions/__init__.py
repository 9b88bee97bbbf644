"""Tiếp nhận hồ sơ: units' yearly dossiers to the Office by the deadline, with return, recall and acceptance."""
