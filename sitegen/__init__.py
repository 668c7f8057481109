"""sitegen: the static site generator behind the Binance-in-Russia briefing."""

__version__ = "0.1.0"
