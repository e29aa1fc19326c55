"""The running process: the Discord client, the services it builds, checks and upkeep."""
