"""The offline assistant's topics, one module per category."""
