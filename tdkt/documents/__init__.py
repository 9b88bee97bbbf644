"""Văn bản: the drafts the Office signs (tờ trình, danh sách, quyết định, công khai), its templates, the register."""
