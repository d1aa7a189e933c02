"""The funding forms. They validate only: the services write."""
