"""The book as every output reads it: its settings, its chapters, its credits, its files.

The bottom layer of the package: it imports nothing else of it.
"""
