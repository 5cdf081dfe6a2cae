"""Use cases as plain functions over a Session; they never touch the request."""
