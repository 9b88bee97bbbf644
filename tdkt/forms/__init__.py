"""Official statistical forms (biểu thống kê) of Thông tư 02/2023/TT-BNV: 0601, 0602, 0603, computed and laid out."""
