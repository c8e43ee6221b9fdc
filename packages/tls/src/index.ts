// Internal mutual TLS (dev CA, per-service certificates): filled in by the issue 9 work.
