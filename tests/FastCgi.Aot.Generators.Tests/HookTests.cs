using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>[FcgiBefore] hooks, compiled from resources/HooksApp.cs and run on requests.</summary>
public sealed class HookTests
{
    private static readonly InMemoryServer s_server = new(GeneratorRunner.Run(GeneratorRunner.Resource("HooksApp.cs")).AssertCleanBuild().Load());

    private static readonly KeyValuePair<string, string> s_admin = new("HTTP_AUTHORIZATION", "Bearer admin");

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task HooksRunInOrderBeforeTheRouteWhicheverHasToWait(bool wait, bool waitUsers)
    {
        CgiResponse response = await s_server.SendAsync("GET", $"/admin/users/7?view=full&wait={wait}&waitUsers={waitUsers}", parameters: [s_admin]);
        Assert.Equal(200, response.Status);
        Assert.Equal("user 7 as full", response.Body);
        Assert.Equal(["all", "admin", "users"], Trace(response));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AHookThatAnswersEndsTheRequest(bool wait)
    {
        CgiResponse response = await s_server.SendAsync("GET", "/admin/stats" + (wait ? "?wait=true" : string.Empty));
        Assert.Equal(401, response.Status);
        Assert.Equal("admin only", response.Body);
        Assert.Equal(["all", "admin"], Trace(response));

        CgiResponse users = await s_server.SendAsync("GET", "/admin/users/7" + (wait ? "?wait=true" : string.Empty));
        Assert.Equal(401, users.Status);
        Assert.Equal(["all", "admin"], Trace(users));

        CgiResponse last = await s_server.SendAsync("GET", $"/admin/users/0?wait={wait}&waitUsers={wait}", parameters: [s_admin]);
        Assert.Equal(400, last.Status);
        Assert.Equal(["all", "admin", "users"], Trace(last));
    }

    [Fact]
    public async Task TheAssemblysHookRunsBeforeEveryRouteAndFirst()
    {
        var block = new KeyValuePair<string, string>("HTTP_X_BLOCK", "all");
        foreach (string path in new[] { "/open", "/admin/stats", "/tenants/acme/info" })
        {
            CgiResponse response = await s_server.SendAsync("GET", path, parameters: [block, s_admin]);
            Assert.Equal(403, response.Status);
            Assert.Equal(["all"], Trace(response));
        }

        CgiResponse open = await s_server.SendAsync("GET", "/open");
        Assert.Equal("open", open.Body);
        Assert.Equal(["all"], Trace(open));
    }

    [Fact]
    public async Task AHookBindsItsGroupsRouteValues()
    {
        CgiResponse refused = await s_server.SendAsync("GET", "/admin/users/0", parameters: [s_admin]);
        Assert.Equal(400, refused.Status);
        Assert.Equal("ids are positive", refused.Body);

        Assert.Equal("tenant acme", (await s_server.SendAsync("GET", "/tenants/acme/info")).Body);
        CgiResponse unknown = await s_server.SendAsync("GET", "/tenants/other/info");
        Assert.Equal(404, unknown.Status);
        Assert.Equal("no tenant other", unknown.Body);
    }

    [Fact]
    public async Task AHookWhoseParameterDoesNotBindAnswers400AndTheRouteDoesNotRun()
    {
        CgiResponse response = await s_server.SendAsync("GET", "/admin/stats?wait=maybe", parameters: [s_admin]);
        Assert.Equal(400, response.Status);
        Assert.Equal("Parameter 'wait' has an invalid value.\n", response.Body);
        Assert.Equal(["all"], Trace(response));
    }

    [Fact]
    public async Task NoHookRunsFor404And405OrRoleHandlers()
    {
        CgiResponse missing = await s_server.SendAsync("GET", "/admin/nothing", parameters: [new("HTTP_X_BLOCK", "all")]);
        Assert.Equal(404, missing.Status);
        Assert.Empty(Trace(missing));

        CgiResponse method = await s_server.SendAsync("POST", "/admin/stats", parameters: [new("HTTP_X_BLOCK", "all")]);
        Assert.Equal(405, method.Status);
        Assert.Empty(Trace(method));

        CgiResponse authorizer = await s_server.SendAsync("GET", "/admin/stats", parameters: [new("HTTP_X_BLOCK", "all")], role: FcgiRole.Authorizer);
        Assert.Equal(200, authorizer.Status);
        Assert.Empty(Trace(authorizer));
    }

    [Fact]
    public async Task HooksRunTheSameWhenTheServerMatchedFirst()
    {
        CgiResponse response = await s_server.SendAsync("GET", "/admin/users/7", parameters: [s_admin], matchFirst: true);
        Assert.Equal("user 7", response.Body);
        Assert.Equal(["all", "admin", "users"], Trace(response));
        Assert.True(s_server.Match("GET", "/tenants/acme/info").Blocking);
    }

    private static string[] Trace(CgiResponse response) =>
        response.Headers.Where(static h => h.Key == "X-Hook").Select(static h => h.Value).ToArray();
}
