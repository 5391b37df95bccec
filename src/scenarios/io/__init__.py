"""Reading scenario files: safe YAML/JSON with positions, validation, the bundled catalog."""
