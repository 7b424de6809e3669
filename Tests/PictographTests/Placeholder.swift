// Replaced by the Pictograph adapter and simulator tests.
