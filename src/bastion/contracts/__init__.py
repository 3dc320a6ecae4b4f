"""Plain types, protocols and the error tree shared by every layer. Standard library only."""
