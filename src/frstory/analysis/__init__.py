"""Analysis: returns, event studies and fact-checks. Never fetches data: it takes frames in."""
