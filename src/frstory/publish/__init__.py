"""Publisher: execute story notebooks (with a freeze cache), render them and build a static site."""
