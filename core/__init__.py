"""What every app shares and no domain owns. `core` has no models and imports no app."""
