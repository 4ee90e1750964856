// The Mongo module; see DESIGN.md.
