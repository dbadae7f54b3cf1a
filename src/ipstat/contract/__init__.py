"""The contract (`schemas/`) as checked values, and the text folding it prescribes."""
