"""AI assistants: Prism as an MCP server (tools and resources over stdio and HTTP)."""
