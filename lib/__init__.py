"""Logic that needs no database: unit-tested directly, orchestrated by models."""
