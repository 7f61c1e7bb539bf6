using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using FastCgi.Aot.Internal;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>
/// The generated Match: one static endpoint per handler and per Allow list, chosen by role, path and
/// method when the parameters are complete; and HandleAsync, which runs the endpoint it is given.
/// </summary>
public sealed class EndpointTests(SampleAppFixture fixture) : IClassFixture<SampleAppFixture>
{
    private const string Usings = "using System; using System.Threading.Tasks; using FastCgi.Aot;\n";

    private InMemoryServer Server => fixture.Server;

    [Fact]
    public void EachRouteHasOneStaticEndpointNamedAfterItsTemplateAndHandler()
    {
        FcgiEndpoint endpoint = Server.Match("GET", "/users/42");
        Assert.True(endpoint.IsHandler);
        Assert.Equal("GET /users/{id} (Sample.Api.GetUser)", endpoint.DisplayName);
        Assert.False(endpoint.Blocking);
        Assert.Equal(-1, endpoint.MaxBodyBytes);
        Assert.Null(endpoint.Allow);
        Assert.Same(endpoint, Server.Match("HEAD", "/users/7"));
        Assert.NotSame(endpoint, Server.Match("GET", "/users/me"));
    }

    [Fact]
    public void MatchImplementsTheInterfacesMemberThatTheServerCalls()
    {
        // The server is generic over the application and calls TApp.Match; the generated static
        // method must be what that call reaches, not a look-alike beside the interface's default (null).
        FcgiInMemoryExchange exchange = InMemoryServer.CreateExchange("GET", "/users/42");
        var match = typeof(EndpointTests).GetMethod(nameof(MatchThroughTheInterface), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(Server.ApplicationType);
        Assert.Same(Server.Match("GET", "/users/42"), match.Invoke(null, [exchange.Request]));
    }

    private static FcgiEndpoint? MatchThroughTheInterface<TApp>(FcgiRequest request)
        where TApp : IFcgiApplication => TApp.Match(request);

    [Fact]
    public void APathWithoutTheRouteIsTheSharedNotFound()
    {
        Assert.Same(FcgiEndpoint.NotFound, Server.Match("GET", "/nope"));
        Assert.Same(FcgiEndpoint.NotFound, Server.Match("GET", "/users/42/extra"));
    }

    [Fact]
    public void APathWithoutTheMethodIsOneStaticEndpointPerAllowList()
    {
        FcgiEndpoint hello = Server.Match("POST", "/hello");
        Assert.Equal(FcgiEndpoint.MethodNotAllowedId, hello.Id);
        Assert.Equal("GET, HEAD", hello.Allow);
        Assert.Same(hello, Server.Match("PUT", "/add"));
        Assert.Equal("DELETE, PUT", Server.Match("GET", "/item/x").Allow);
    }

    [Fact]
    public void AnAllowListMergedFromOverlappingRoutesIsStaticToo()
    {
        InMemoryServer server = Load("""
            public static class Api
            {
                [FcgiRoute("/files/readme", Method = "PUT")] public static string Put() => "put readme";
                [FcgiRoute("/files/{name}", Method = "DELETE")] public static string Delete(string name) => "deleted " + name;
                [FcgiRoute("/files/{*path}")] public static string Get(string path) => "file " + path;
            }
            """);
        FcgiEndpoint all = server.Match("PATCH", "/files/readme");
        Assert.Equal("DELETE, GET, HEAD, PUT", all.Allow);
        Assert.Same(all, server.Match("PATCH", "/files/readme"));
        Assert.Same(server.Match("PATCH", "/files/x"), server.Match("POST", "/files/y"));
        Assert.Equal("GET, HEAD", server.Match("PATCH", "/files/a/b").Allow);
    }

    [Fact]
    public void BlockingAndMaxBodyBytesComeFromTheAttributes()
    {
        InMemoryServer server = Load("""
            public static class Api
            {
                [FcgiRoute("/upload", Method = "POST", Blocking = true, MaxBodyBytes = 1048576)] public static int Upload(ReadOnlyMemory<byte> body) => body.Length;
                [FcgiRoute("/upload", Method = "PUT", MaxBodyBytes = 0)] public static int Put() => 0;
                [FcgiRoute("/slow", Blocking = true)] public static async ValueTask<string> Slow() { await Task.Yield(); return "slow"; }
                [FcgiAuthorizer(Blocking = true)] public static FcgiResult Authorize() => FcgiResults.Ok();
                [FcgiFilter(MaxBodyBytes = 4096)] public static string Filter([FcgiData] string data) => data;
            }
            """);
        FcgiEndpoint upload = server.Match("POST", "/upload");
        Assert.Equal("POST /upload (Api.Upload)", upload.DisplayName);
        Assert.True(upload.Blocking);
        Assert.Equal(1048576, upload.MaxBodyBytes);

        FcgiEndpoint put = server.Match("PUT", "/upload");
        Assert.False(put.Blocking);
        Assert.Equal(0, put.MaxBodyBytes);

        // An async handler may be Blocking: its synchronous part runs on a worker thread.
        Assert.True(server.Match("GET", "/slow").Blocking);

        FcgiEndpoint authorizer = server.Match("GET", "/anything", role: FcgiRole.Authorizer);
        Assert.Equal("Authorizer (Api.Authorize)", authorizer.DisplayName);
        Assert.True(authorizer.Blocking);
        Assert.Equal(-1, authorizer.MaxBodyBytes);

        FcgiEndpoint filter = server.Match("GET", "/page.html", role: FcgiRole.Filter);
        Assert.Equal("Filter (Api.Filter)", filter.DisplayName);
        Assert.False(filter.Blocking);
        Assert.Equal(4096, filter.MaxBodyBytes);

        // Ids are distinct and what HandleAsync switches on.
        FcgiEndpoint[] handlers = [upload, put, server.Match("GET", "/slow"), authorizer, filter];
        Assert.Equal(handlers.Length, handlers.Select(static e => e.Id).Distinct().Count());
    }

    [Fact]
    public void ARoleWithoutAHandlerMatchesNothing()
    {
        Assert.Same(FcgiEndpoint.NotFound, Server.Match("GET", "/hello", role: FcgiRole.Authorizer));
        Assert.Same(FcgiEndpoint.NotFound, Server.Match("GET", "/hello", role: FcgiRole.Filter));
    }

    [Fact]
    public async Task HandleAsyncRunsTheEndpointTheServerMatchedWithoutMatchingAgain()
    {
        FcgiInMemoryExchange exchange = InMemoryServer.CreateExchange("GET", "/add?a=1&b=2");
        exchange.Request.Endpoint = Server.Match("GET", "/hello");
        Assert.Equal("Hello, World!", (await Server.SendAsync(exchange)).Body);

        FcgiInMemoryExchange refused = InMemoryServer.CreateExchange("GET", "/hello");
        refused.Request.Endpoint = Server.Match("GET", "/item/x");
        CgiResponse response = await Server.SendAsync(refused);
        Assert.Equal(405, response.Status);
        Assert.Equal("DELETE, PUT", response.Header("Allow"));
    }

    [Theory]
    [InlineData("GET", "/users/42")]
    [InlineData("GET", "/users/me")]
    [InlineData("GET", "/version/1.2.3?h=0.5")]
    [InlineData("GET", "/files/a/b%2520c.txt")]
    [InlineData("GET", "/files")]
    [InlineData("GET", "/files/")]
    [InlineData("PUT", "/item/x")]
    [InlineData("GET", "/item/x")]
    [InlineData("GET", "/result/moved")]
    [InlineData("GET", "/nope")]
    public async Task RouteValuesRecordedByMatchAreWhatTheBinderReads(string method, string uri)
    {
        CgiResponse direct = await Server.SendAsync(method, uri);
        CgiResponse matched = await Server.SendAsync(method, uri, matchFirst: true);
        Assert.Equal(direct.Status, matched.Status);
        Assert.Equal(direct.Body, matched.Body);
        Assert.Equal(direct.Headers, matched.Headers);
    }

    [Fact]
    public async Task AnAllowListPastTheEnumerationLimitIsStillExact()
    {
        // Thirteen shapes of thirteen segments, each with its literal at its own position, so any
        // set of them shares a path: 8,191 sets, past the generator's limit of 4,096. The sets with
        // the first shape come first, so {1, 2} is one the generator did not enumerate.
        var routes = new List<string>();
        for (int i = 0; i < 13; i++)
        {
            string template = string.Concat(Enumerable.Range(0, 13).Select(j => j == i ? $"/k{i}" : $"/{{p{j}}}"));
            string parameters = string.Join(", ", Enumerable.Range(0, 13).Where(j => j != i).Select(j => $"string p{j}"));
            routes.Add($"[FcgiRoute(\"{template}\", Method = \"M{(char)('A' + i)}\")] public static string R{i}({parameters}) => \"{i}\";");
        }

        GeneratorRun run = GeneratorRunner.Run(Usings + "public static class Api { " + string.Join("\n", routes) + " }").AssertCleanBuild();
        Assert.Contains("stopped enumerating", run.Sources.Single().SourceText.ToString(), System.StringComparison.Ordinal);
        var server = new InMemoryServer(run.Load());

        string path = string.Concat(Enumerable.Range(0, 13).Select(j => j is 1 or 2 ? $"/k{j}" : "/x"));
        FcgiEndpoint endpoint = server.Match("GET", path);
        Assert.Equal(FcgiEndpoint.MethodNotAllowedId, endpoint.Id);
        Assert.Equal("MB, MC", endpoint.Allow);
        Assert.NotSame(endpoint, server.Match("GET", path));
        Assert.Equal("1", (await server.SendAsync("MB", path)).Body);
    }

    private static InMemoryServer Load(string source) =>
        new(GeneratorRunner.Run(Usings + source).AssertCleanBuild().Load());
}
