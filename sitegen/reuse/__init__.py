"""What a build reuses from the last one, and who may write where."""
