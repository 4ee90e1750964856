// The LMEval module; see DESIGN.md.
