"""Indian personal and business finance as plain Python: rupee amounts, financial
years, the dated knowledge base and the calculators.

No Reflex, no AI and no database: the offline assistant, the model's tools and
a calculators page all build on the same figures. Only the standard library.
"""
