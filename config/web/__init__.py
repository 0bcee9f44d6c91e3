"""The console's shared frame: sign-in, second factor, security headers, page access."""
