"""Where clients come from: the practice simulation now, Matrix next; one interface for both."""
