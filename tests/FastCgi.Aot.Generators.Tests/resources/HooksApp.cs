using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot;

// Before hooks: a synchronous one for every route, an async one on a group, another on a nested
// group that binds the group's route value, and a Task one on another group. Each leaves a trace header
// so that the tests see which ran, in which order.
public static class Everywhere
{
    [FcgiBefore(AllRoutes = true)]
    public static FcgiResult? Trace(FcgiResponse response, [FcgiHeader("X-Block")] string? block)
    {
        response.AddHeader("X-Hook", "all");
        return block == "all" ? FcgiResults.Forbidden("blocked before every route") : null;
    }
}

[FcgiRouteGroup("/admin")]
public static class Admin
{
    [FcgiBefore]
    public static async ValueTask<FcgiResult?> RequireToken(FcgiResponse response, [FcgiHeader("Authorization")] string? token, bool wait = false, CancellationToken aborted = default)
    {
        if (wait)
        {
            await Task.Delay(1, aborted);
        }

        response.AddHeader("X-Hook", "admin");
        return token == "Bearer admin" ? null : FcgiResults.Unauthorized("admin only");
    }

    [FcgiRoute("/stats")]
    public static string Stats(FcgiResponse response)
    {
        response.AddHeader("X-Hook", "route");
        return "stats";
    }

    [FcgiRouteGroup("/users/{id}")]
    public static class Users
    {
        [FcgiBefore]
        public static async ValueTask<FcgiResult?> PositiveId(FcgiResponse response, int id, bool waitUsers = false)
        {
            if (waitUsers)
            {
                await Task.Yield();
            }

            response.AddHeader("X-Hook", "users");
            return id > 0 ? null : FcgiResults.BadRequest("ids are positive");
        }

        [FcgiRoute("")]
        public static string Get(int id, string? view = null) => "user " + id + (view is null ? string.Empty : " as " + view);
    }
}

[FcgiRouteGroup("/tenants/{tenant}")]
public static class Tenants
{
    [FcgiBefore]
    public static Task<FcgiResult?> KnownTenant(string tenant) =>
        Task.FromResult(tenant == "acme" ? null : FcgiResults.NotFound("no tenant " + tenant));

    [FcgiRoute("/info", Blocking = true)]
    public static string Info(string tenant) => "tenant " + tenant;
}

public static class Open
{
    [FcgiRoute("/open")]
    public static string Get() => "open";

    [FcgiAuthorizer]
    public static FcgiResult Authorize() => FcgiResults.Ok();
}

public static class Access
{
    public static int Count;

    [FcgiAfter]
    public static void Log(FcgiRequest request, in FcgiRequestSummary summary) => Count++;
}
