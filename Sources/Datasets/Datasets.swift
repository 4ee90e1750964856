// The Datasets module; see DESIGN.md.
