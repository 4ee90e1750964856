// The Postgres module; see DESIGN.md.
