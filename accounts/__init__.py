"""Who is looking: users, their dashboard grants and brand restrictions."""
