"""The funding pages: the partnership's (funds.py), and the people applying's (applying.py)."""
