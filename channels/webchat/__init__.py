"""The web chat channel: the public chat API and the embeddable widget."""
