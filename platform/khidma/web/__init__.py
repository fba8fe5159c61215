"""The web layer: Flask blueprints cut by feature. Views read a request, call the engine
or storage, and render."""
