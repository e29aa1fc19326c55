"""Unsaid: what members couldn't say in the room, shared anonymously.

How anonymity is kept (the design in one place):

* **Nothing stored names anyone.** No Unsaid table holds a Discord user id, username or display
  name. A person reaches the service as (server id, user id) only to compute keyed tags.
* **Author tags** (for blocks): each submission stores `HMAC(K_author, salt || server:person)`
  with its own random 16-byte salt, and the fingerprint of the key that made it. Without the
  key, two tags of one author look unrelated. When a moderator blocks, the bot copies that
  salt and tag into a block row; at each later submission it tests the person against every
  block with the key the block was made under. Tags are erased after 14 days; a block lasts
  until unblocked or until its key lapses.
* **Daily limits**: each use stores one slot `HMAC(K_limit, kind|day|server:person|n)`: slots
  of one person are independent values, change every day, and are deleted after the day.
* **Receipts**: a 100-bit random code shown once; only its scrypt hash is stored.
* **Keys**: `K_purpose = HMAC(master, "alongside:unsaid:<purpose>:v1")`. The master comes from
  ANONYMITY_KEY or a 0600 file beside the database; rotation keeps the previous key for one
  rotation period (blocks keep working), then it lapses and its blocks are deleted.
* **Timing**: review messages leave in shuffled batches; without review, posts wait a random
  delay; only the day is stored and shown, never the time.

With the database alone, nobody can tell who wrote anything or link two submissions. With the
database *and* the key, someone could test each member of a server against the tags still kept
(the last 14 days, blocks, today's slots): keep the key apart from the database if that matters.
"""
