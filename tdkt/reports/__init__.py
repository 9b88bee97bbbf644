"""Review reports (sơ kết, tổng kết), the overview, charts and their exports."""
