"""dcatgen's test portal plugin (runs inside CKAN's venv, never imported by dcatgen)."""
