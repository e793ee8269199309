"""The central sync server (FastAPI); built by the server issue."""
