"""The funding app's authorisation matrix rows, a module a topic of its pages, merged by matrix_grants."""
