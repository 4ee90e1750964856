// The Testbench module; see DESIGN.md.
