"""The Processing provider and one module per algorithm."""
