"""Process models: deploy, drafts, the form library, diagram templates, versions in use."""
