"""Version of linknet_mm."""
__version__ = '0.1.0'
