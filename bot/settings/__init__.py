"""Per-server settings: the registry features declare into, and copying between servers."""
