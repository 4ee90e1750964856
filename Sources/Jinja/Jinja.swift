// The Jinja module; see DESIGN.md.
