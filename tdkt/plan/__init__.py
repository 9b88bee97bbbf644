"""The yearly TĐKT plan: tasks per quarter, their units, progress, and the links to clusters and movements."""
