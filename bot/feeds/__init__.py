"""Blog feeds: fetch politely and safely, parse in a worker, post each new piece exactly once."""
