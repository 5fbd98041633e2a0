"""Pages of the patients app: projects, imports, the groslijst."""
