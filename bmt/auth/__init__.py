"""Who may do what: roles, permissions and the four-eyes (maker–checker) rule."""
