"""The pure workflow engine of ratsflow: definitions, guards, votes and deadlines, no I/O."""
