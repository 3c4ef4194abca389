"""Calendar feeds (RFC 5545): a committee's sessions, and a person's sessions, deadlines and
statement requests behind a secret, revocable URL."""
