"""Pure domain logic: no Textual, no I/O. Everything here is testable with plain pytest."""
