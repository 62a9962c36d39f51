"""Settings and database plumbing shared by every process of the app."""
