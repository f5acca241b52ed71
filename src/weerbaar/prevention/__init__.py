"""Prevention together (issue 7): barrier models and their gap analysis, the municipality's
resilience scan, signal-recognition training, and the five-B partner session (beraad) whose
commitments become tracked actions. Reads the catalogue, picture, cases and intake; its own
tables are in the `*_models.py` modules of this folder.
"""
