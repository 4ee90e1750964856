// The WorkflowQueue module; see DESIGN.md.
