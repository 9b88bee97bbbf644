"""Hội đồng Thi đua - Khen thưởng: a year's members, its meetings and attendance, the tallies of its secret ballots."""
