"""Rules between the values of one workbook, and validation of many."""
