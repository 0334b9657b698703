"""CLI sub-commands, one module per concern; each defines ``register(subparsers)``."""
