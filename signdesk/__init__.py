"""SignDesk: application wiring shared by the signaling, scheduler, media and web packages."""
