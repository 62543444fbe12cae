"""Pure extraction helpers (no I/O, no pipeline state): text in, typed values with spans out."""
