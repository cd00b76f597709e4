"""CRM import: accounts and opportunities from Salesforce, HubSpot or any CSV, and live sync."""
