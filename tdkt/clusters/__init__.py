"""Emulation clusters (Cụm II, Cụm III, the internal covenant) and emulation movements."""
