// Field encryption (AES-256-GCM envelopes): filled in by the issue 9 work.
