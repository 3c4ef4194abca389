"""``make bench``: each figure beside a floor measured in the same run.

Prints one line per figure: ``BENCH <name> ours=<v> floor=<v> ratio=<x> goal=<y>``.
"""
