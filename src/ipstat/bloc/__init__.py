"""The bloc's figures: the exact sum, year-over-year comparison, the JSON document."""
