// Replaced by the Labelbox adapter and simulator tests.
