"""Build and grade the 인공지능 영상 assignments."""

__version__ = "0.1.0"
