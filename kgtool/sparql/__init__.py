"""Reading kgtool's query files, and guarding and parsing the queries users give."""
