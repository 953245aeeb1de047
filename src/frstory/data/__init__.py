"""Loaders: the curated event timeline, press claims, market prices (cached) and the NYSE calendar."""
