"""The yearly TĐKT plan: tasks per quarter, their units, progress and copies (the links to clusters: clusters/)."""
