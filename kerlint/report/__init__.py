"""Output formats. Each module renders a list of FileResults."""
