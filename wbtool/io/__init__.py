"""File formats live here and only here: readers and writers at the edge."""
