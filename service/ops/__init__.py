"""Operating an installation: backup, restore, and the erasure register beside the key."""
