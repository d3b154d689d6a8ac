"""Views, one module per audience: health checks, leaders, Direktørforum, reports."""
