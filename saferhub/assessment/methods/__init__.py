"""The strategic assessment's statistical methods in plain Python, numpy and scipy: no Django."""
