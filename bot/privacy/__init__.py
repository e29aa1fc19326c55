"""Members' data rights: the erasure ledger, export and erasure."""
