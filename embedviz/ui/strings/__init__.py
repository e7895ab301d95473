"""UI strings, one module per page section: ``STRINGS = {key: (english, german)}``."""
