"""Measuring the assistant as citizens meet it: through the running servers."""
