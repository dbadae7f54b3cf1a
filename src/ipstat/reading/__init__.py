"""A workbook's bytes to located values and findings: containers, cells, numbers, names."""
