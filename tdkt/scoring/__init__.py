"""Cluster scoring (chấm điểm thi đua cụm): criteria sheets, rounds, scores, ranking, results to awards."""
