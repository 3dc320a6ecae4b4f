"""The one way out to the network: allowlists, SSRF guard, credential injection, leak scans."""
