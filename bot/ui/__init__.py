"""What every cog shares to talk to Discord: replies, deadlines, permissions, components."""
