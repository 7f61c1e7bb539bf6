using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>Runs the generated dispatcher of the sample application on requests: routing, methods and results.</summary>
public sealed class DispatchTests(SampleAppFixture fixture) : IClassFixture<SampleAppFixture>
{
    private InMemoryServer Server => fixture.Server;

    [Fact]
    public async Task HelloReturnsTextPlain()
    {
        CgiResponse response = await Server.SendAsync("GET", "/hello");
        Assert.Equal(200, response.Status);
        Assert.Equal("text/plain; charset=utf-8", response.Header("Content-Type"));
        Assert.Equal("Hello, World!", response.Body);
    }

    [Fact]
    public async Task AddBindsTheQueryAndWritesTheNumber()
    {
        CgiResponse response = await Server.SendAsync("GET", "/add?a=1&b=2");
        Assert.Equal(200, response.Status);
        Assert.Equal("3", response.Body);
    }

    [Fact]
    public async Task AddWithAMissingParameterIsABadRequestNamingIt()
    {
        CgiResponse response = await Server.SendAsync("GET", "/add?a=1");
        Assert.Equal(400, response.Status);
        Assert.Contains("'b'", response.Body);
    }

    [Fact]
    public async Task AddWithAnUnparsableValueIsABadRequestNamingIt()
    {
        CgiResponse response = await Server.SendAsync("GET", "/add?a=x&b=2");
        Assert.Equal(400, response.Status);
        Assert.Contains("'a'", response.Body);
        Assert.Contains("invalid", response.Body);
    }

    [Fact]
    public async Task RouteSegmentBindsAndTheResultIsJson()
    {
        CgiResponse response = await Server.SendAsync("GET", "/users/42");
        Assert.Equal(200, response.Status);
        Assert.Equal("application/json; charset=utf-8", response.Header("Content-Type"));
        Assert.Equal("""{"Id":42,"Name":"Ada"}""", response.Body);
    }

    [Fact]
    public async Task ANullResultIsNotFound()
    {
        Assert.Equal(404, (await Server.SendAsync("GET", "/users/1")).Status);
        Assert.Equal(404, (await Server.SendAsync("GET", "/maybe/0")).Status);
        Assert.Equal("5", (await Server.SendAsync("GET", "/maybe/5")).Body);
    }

    [Fact]
    public async Task AnUnparsableRouteSegmentIsABadRequest()
    {
        CgiResponse response = await Server.SendAsync("GET", "/users/abc");
        Assert.Equal(400, response.Status);
        Assert.Contains("'id'", response.Body);
    }

    [Fact]
    public async Task ALiteralSegmentWinsOverAParameter()
    {
        Assert.Equal("me", (await Server.SendAsync("GET", "/users/me")).Body);
    }

    [Theory]
    [InlineData("/nope")]
    [InlineData("/hello/")]
    [InlineData("/users/42/extra")]
    [InlineData("/users/")]
    [InlineData("/Hello")]
    public async Task NoRouteIsNotFound(string path)
    {
        Assert.Equal(404, (await Server.SendAsync("GET", path)).Status);
    }

    [Fact]
    public async Task RootRouteMatchesSlash()
    {
        Assert.Equal("root", (await Server.SendAsync("GET", "/")).Body);
    }

    [Fact]
    public async Task AnotherMethodIsMethodNotAllowedWithAllow()
    {
        CgiResponse response = await Server.SendAsync("POST", "/hello");
        Assert.Equal(405, response.Status);
        Assert.Equal("GET, HEAD", response.Header("Allow"));
    }

    [Fact]
    public async Task AllowListsEveryMethodOfThePath()
    {
        CgiResponse response = await Server.SendAsync("GET", "/item/x");
        Assert.Equal(405, response.Status);
        Assert.Equal("DELETE, PUT", response.Header("Allow"));
        Assert.Equal("put x", (await Server.SendAsync("PUT", "/item/x")).Body);
        Assert.Equal("deleted x", (await Server.SendAsync("DELETE", "/item/x")).Body);
    }

    [Fact]
    public async Task AMethodTheLiteralRouteLacksFallsThroughToTheParameterRoute()
    {
        InMemoryServer server = Load("""
            public static class Api
            {
                [FcgiRoute("/users/me", Method = "POST")] public static string PostMe() => "posted me";
                [FcgiRoute("/users/{id}")] public static string User(string id) => "user " + id;
                [FcgiRoute("/pages/index", Method = "HEAD")] public static void HeadIndex(FcgiResponse response) => response.StatusCode = 204;
                [FcgiRoute("/pages/{name}")] public static string Page(string name) => "page " + name;
            }
            """);
        Assert.Equal("user me", (await server.SendAsync("GET", "/users/me")).Body);
        Assert.Equal(200, (await server.SendAsync("HEAD", "/users/me")).Status);
        Assert.Equal("posted me", (await server.SendAsync("POST", "/users/me")).Body);
        Assert.Equal("user 42", (await server.SendAsync("GET", "/users/42")).Body);

        // 405 only when no route of the path takes the method, with every such route's methods.
        CgiResponse both = await server.SendAsync("DELETE", "/users/me");
        Assert.Equal(405, both.Status);
        Assert.Equal("GET, HEAD, POST", both.Header("Allow"));
        CgiResponse one = await server.SendAsync("POST", "/users/42");
        Assert.Equal(405, one.Status);
        Assert.Equal("GET, HEAD", one.Header("Allow"));

        // An explicit HEAD route keeps HEAD; GET goes on to the parameter route.
        Assert.Equal(204, (await server.SendAsync("HEAD", "/pages/index")).Status);
        Assert.Equal("page index", (await server.SendAsync("GET", "/pages/index")).Body);
        CgiResponse pages = await server.SendAsync("PUT", "/pages/index");
        Assert.Equal(405, pages.Status);
        Assert.Equal("GET, HEAD", pages.Header("Allow"));
    }

    [Fact]
    public async Task AMethodNoFixedRouteTakesFallsThroughToACatchAll()
    {
        InMemoryServer server = Load("""
            public static class Api
            {
                [FcgiRoute("/files/readme", Method = "PUT")] public static string Put() => "put readme";
                [FcgiRoute("/files/{name}", Method = "DELETE")] public static string Delete(string name) => "deleted " + name;
                [FcgiRoute("/files/{*path}")] public static string Get(string path) => "file " + path;
            }
            """);
        Assert.Equal("file readme", (await server.SendAsync("GET", "/files/readme")).Body);
        Assert.Equal("put readme", (await server.SendAsync("PUT", "/files/readme")).Body);
        Assert.Equal("deleted readme", (await server.SendAsync("DELETE", "/files/readme")).Body);
        Assert.Equal("file a/b", (await server.SendAsync("GET", "/files/a/b")).Body);

        CgiResponse all = await server.SendAsync("PATCH", "/files/readme");
        Assert.Equal(405, all.Status);
        Assert.Equal("DELETE, GET, HEAD, PUT", all.Header("Allow"));
        CgiResponse two = await server.SendAsync("PATCH", "/files/x");
        Assert.Equal(405, two.Status);
        Assert.Equal("DELETE, GET, HEAD", two.Header("Allow"));
        CgiResponse catchAll = await server.SendAsync("PATCH", "/files/a/b");
        Assert.Equal(405, catchAll.Status);
        Assert.Equal("GET, HEAD", catchAll.Header("Allow"));
        Assert.Equal(404, (await server.SendAsync("GET", "/other")).Status);
    }

    [Fact]
    public async Task HeadIsAnsweredLikeGetWithoutTheBody()
    {
        CgiResponse response = await Server.SendAsync("HEAD", "/hello");
        Assert.Equal(200, response.Status);
        Assert.Equal("13", response.Header("Content-Length"));
        Assert.Empty(response.BodyBytes);
    }

    [Fact]
    public async Task EchoGetsTheRequestAndResponse()
    {
        CgiResponse response = await Server.SendAsync("POST", "/echo", "ping");
        Assert.Equal("text/plain", response.Header("Content-Type"));
        Assert.Equal("ping", response.Body);
    }

    [Fact]
    public async Task AsyncHandlerGetsTheAbortToken()
    {
        using var source = new CancellationTokenSource();
        CgiResponse response = await Server.SendAsync("GET", "/slow?ms=5", aborted: source.Token);
        Assert.Equal("slept, cancellable", response.Body);
    }

    [Fact]
    public async Task CatchAllBindsTheRestOfThePath()
    {
        Assert.Equal("file:a/b%20c.txt", (await Server.SendAsync("GET", "/files/a/b%2520c.txt")).Body);
        Assert.Equal("file:", (await Server.SendAsync("GET", "/files")).Body);
        Assert.Equal("file:", (await Server.SendAsync("GET", "/files/")).Body);
    }

    [Fact]
    public async Task JsonBodyBindsAndInvalidJsonIsABadRequest()
    {
        CgiResponse created = await Server.SendAsync("POST", "/users", """{"Id":1,"Name":"Bo"}""");
        Assert.Equal("""{"Id":2,"Name":"Bo"}""", created.Body);

        CgiResponse invalid = await Server.SendAsync("POST", "/users", "{not json");
        Assert.Equal(400, invalid.Status);
        Assert.Contains("'user'", invalid.Body);

        CgiResponse missing = await Server.SendAsync("POST", "/users");
        Assert.Equal(400, missing.Status);
        Assert.Contains("'user'", missing.Body);

        Assert.Equal(400, (await Server.SendAsync("POST", "/users", "null")).Status);
    }

    [Fact]
    public async Task NullableJsonValueBodyIsOptional()
    {
        Assert.Equal("1,2", (await Server.SendAsync("POST", "/body/point", """{"X":1,"Y":2}""")).Body);
        Assert.Equal("no point", (await Server.SendAsync("POST", "/body/point")).Body);
    }

    [Fact]
    public async Task BodyBindsAsMemoryStringAndStream()
    {
        Assert.Equal("5", (await Server.SendAsync("POST", "/body/bytes", "hello")).Body);
        Assert.Equal("<a+b>", (await Server.SendAsync("POST", "/body/string", "a+b")).Body);
        Assert.Equal("stream:data", (await Server.SendAsync("POST", "/body/stream", "data")).Body);
    }

    [Fact]
    public async Task ByteResultsAreOctetStreams()
    {
        CgiResponse bytes = await Server.SendAsync("GET", "/bytes");
        Assert.Equal("application/octet-stream", bytes.Header("Content-Type"));
        Assert.Equal(new byte[] { 1, 2, 3 }, bytes.BodyBytes);
        Assert.Equal(new byte[] { 4, 5 }, (await Server.SendAsync("GET", "/memory")).BodyBytes);
    }

    [Fact]
    public async Task NumbersAndBooleansAreInvariantText()
    {
        Assert.Equal("1.5", (await Server.SendAsync("GET", "/double")).Body);
        Assert.Equal("true", (await Server.SendAsync("GET", "/bool")).Body);
    }

    [Fact]
    public async Task AsyncJsonArrayResult()
    {
        Assert.Equal("""[{"Id":1,"Name":"a"},{"Id":2,"Name":"b"}]""", (await Server.SendAsync("GET", "/list")).Body);
    }

    [Fact]
    public async Task ResultValuesCarryStatusHeadersAndBody()
    {
        CgiResponse missing = await Server.SendAsync("GET", "/result/missing");
        Assert.Equal(404, missing.Status);
        Assert.Equal("no such thing", missing.Body);

        Assert.Equal(400, (await Server.SendAsync("GET", "/result/bad")).Status);

        CgiResponse moved = await Server.SendAsync("GET", "/result/moved");
        Assert.Equal(302, moved.Status);
        Assert.Equal("/hello", moved.Header("Location"));

        CgiResponse json = await Server.SendAsync("GET", "/result/json");
        Assert.Equal(201, json.Status);
        Assert.Equal("""{"Id":7,"Name":"Json"}""", json.Body);

        CgiResponse teapot = await Server.SendAsync("GET", "/result/other");
        Assert.Equal(418, teapot.Status);
        Assert.Equal("other", teapot.Header("X-Kind"));
        Assert.Equal("teapot", teapot.Body);
    }

    [Fact]
    public async Task TaskAndValueTaskWithoutResultComplete()
    {
        Assert.Equal(202, (await Server.SendAsync("POST", "/task")).Status);
        Assert.Equal(204, (await Server.SendAsync("POST", "/valuetask")).Status);
    }

    private static InMemoryServer Load(string source) =>
        new(GeneratorRunner.Run("using FastCgi.Aot;\n" + source).AssertCleanBuild().Load());
}
