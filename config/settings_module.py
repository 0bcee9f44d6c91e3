import os


def default_settings_module() -> str:
    """DJANGO_ENV=production selects the production settings; local is the default."""
    env = os.environ.get("DJANGO_ENV", "local").lower()
    if env not in {"local", "production", "test"}:
        raise SystemExit(f"DJANGO_ENV must be local, production or test, not {env!r}")
    return f"config.settings.{env}"
