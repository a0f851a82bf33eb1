"""The offline assistant's topics, one module per category.

Each module registers its own skills (`skills.skill`); importing this package
imports every module, which is all the engine needs to know of them. A new
category is a new module here and its name below.
"""

from finucity.services.ai.offline.topics import business, general, gst, income_tax, insurance, investment

__all__ = ["business", "general", "gst", "income_tax", "insurance", "investment"]
