"""Custom NLU components that the Rasa pipeline (bot/config.yml) loads from this folder."""
