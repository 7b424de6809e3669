// Replaced by the loopback server tests.
