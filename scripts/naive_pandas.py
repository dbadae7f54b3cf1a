"""The baseline `make bench` compares against: read the 11 workbooks with pandas.read_excel, sum."""

import sys
import warnings
from pathlib import Path

import pandas as pd

warnings.simplefilter("ignore")
total = None
for path in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    frame = pd.read_excel(path, sheet_name="Chỉ tiêu", header=3, engine="openpyxl")
    values = frame.set_index("Mã")["Giá trị"].dropna()
    total = values if total is None else total.add(values, fill_value=0)
print(len(total) if total is not None else 0)
