using System.Threading.Tasks;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>[FcgiRouteGroup] puts a class's routes under a prefix: resources/GroupsApp.cs, compiled and called.</summary>
public sealed class GroupTests
{
    private static readonly InMemoryServer s_server = new(GeneratorRunner.Run(GeneratorRunner.Resource("GroupsApp.cs")).AssertCleanBuild().Load());

    [Theory]
    [InlineData("GET", "/api", "api")]
    [InlineData("GET", "/api/", "api/")]
    [InlineData("GET", "/api/users/5", "user 5")]
    [InlineData("GET", "/api/admin/stats", "stats")]
    [InlineData("POST", "/api/plain", "plain")]
    [InlineData("GET", "/tenants/acme/notes/3", "acme:3")]
    [InlineData("GET", "/tenants/acme/info", "info")]
    [InlineData("GET", "/users/5", "top-level user 5")]
    public async Task ARouteAnswersUnderItsGroupsPrefixes(string method, string path, string body)
    {
        CgiResponse response = await s_server.SendAsync(method, path);
        Assert.Equal(200, response.Status);
        Assert.Equal(body, response.Body);
        Assert.Equal(body, (await s_server.SendAsync(method, path, matchFirst: true)).Body);
    }

    [Theory]
    [InlineData("/admin/stats")]
    [InlineData("/stats")]
    [InlineData("/plain")]
    [InlineData("/api/stats")]
    [InlineData("/notes/3")]
    public async Task ARouteDoesNotAnswerWithoutItsPrefix(string path)
    {
        Assert.Equal(404, (await s_server.SendAsync("GET", path)).Status);
    }

    [Fact]
    public void TheEndpointIsNamedByTheWholeTemplate()
    {
        Assert.Equal("GET /api/users/{id} (Api.User)", s_server.Match("GET", "/api/users/1").DisplayName);
        Assert.Equal("GET /api/admin/stats (Api.Admin.Stats)", s_server.Match("GET", "/api/admin/stats").DisplayName);
        Assert.Equal("GET /tenants/{tenant}/info (Tenants.Info)", s_server.Match("GET", "/tenants/x/info").DisplayName);
    }
}
