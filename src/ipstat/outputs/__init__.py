"""What people and machines read: terminal, machine formats, workbooks, reports."""
