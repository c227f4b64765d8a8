// Lets the quiver_proto target exist before any proto/*.proto does.
