"""The gateway's HTTP room: views, pages and static assets served over HTTP."""
