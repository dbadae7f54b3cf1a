"""The kernel every floor uses: findings, exact numbers, Vietnamese text and formatting."""
