"""When a user last looked at a page whose news their task list counts (one row per user and
page, overwritten on each visit): the council member's Beschlusskontrolle."""
