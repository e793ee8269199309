"""Excel and CSV exchange: the import wizard, export actions, the undoable import."""
