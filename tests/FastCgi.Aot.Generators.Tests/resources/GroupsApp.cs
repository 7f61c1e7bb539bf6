using FastCgi.Aot;

// Route groups: prefixes, nesting, an empty template for the group's own path, and a prefix with a
// route value that one route binds and another ignores.
[FcgiRouteGroup("/api")]
public static class Api
{
    [FcgiRoute("")]
    public static string Root() => "api";

    [FcgiRoute("/")]
    public static string Slash() => "api/";

    [FcgiRoute("/users/{id}")]
    public static string User(int id) => "user " + id;

    [FcgiRouteGroup("/admin")]
    public static class Admin
    {
        [FcgiRoute("/stats")]
        public static string Stats() => "stats";
    }

    public static class Plain
    {
        [FcgiRoute("/plain", Method = "POST")]
        public static string Post() => "plain";
    }
}

[FcgiRouteGroup("/tenants/{tenant}")]
public static class Tenants
{
    [FcgiRoute("/notes/{id}")]
    public static string Note(string tenant, int id) => tenant + ":" + id;

    [FcgiRoute("/info")]
    public static string Info() => "info";
}

public static class Ungrouped
{
    [FcgiRoute("/users/{id}")]
    public static string User(int id) => "top-level user " + id;
}
