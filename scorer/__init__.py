"""Telltale: flags machine-translated or garbled passages in news articles."""
