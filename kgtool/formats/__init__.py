"""Writers for kgtool's outputs: human text and machine JSON."""
