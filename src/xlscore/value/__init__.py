"""Predicted customer value from an order log: BG/NBD for purchases, Gamma-Gamma for spend."""
