"""Customer accounts: the companies Prism's launches, deals and feedback are about."""
