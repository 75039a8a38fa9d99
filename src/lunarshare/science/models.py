"""Models of the science app."""
