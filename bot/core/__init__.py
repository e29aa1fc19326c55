"""Foundations every layer uses: configuration, errors, logs, time, text, scheduling."""
