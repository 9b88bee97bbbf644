"""Đăng ký thi đua: the titles units register for at the start of a year, and what became of them."""
