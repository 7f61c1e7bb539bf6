using System.Collections.Generic;
using System.Text;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>The generated application dispatches on the request's role before its path (FastCGI 1.0 §6).</summary>
public sealed class RoleTests(RolesAppFixture fixture) : IClassFixture<RolesAppFixture>
{
    private const string Usings = "using System; using System.IO; using FastCgi.Aot;\n";

    private InMemoryServer Server => fixture.Server;

    [Fact]
    public async Task AnAuthorizerAllowsWithA200AndPassesItsVariables()
    {
        // The path has no route: an Authorizer request is not routed.
        var parameters = new Dictionary<string, string> { ["HTTP_AUTHORIZATION"] = "Bearer secret" };
        CgiResponse response = await Server.SendAsync("GET", "/private/report.pdf", parameters: parameters, role: FcgiRole.Authorizer);
        Assert.Equal(200, response.Status);
        Assert.Equal("alice", response.Header("Variable-HELLO_USER"));
        Assert.Empty(response.BodyBytes);
    }

    [Fact]
    public async Task AnAuthorizerDeniesWithA401AndABodyForTheClient()
    {
        var parameters = new Dictionary<string, string> { ["HTTP_AUTHORIZATION"] = "Bearer guess" };
        CgiResponse response = await Server.SendAsync("GET", "/private/report.pdf", parameters: parameters, role: FcgiRole.Authorizer);
        Assert.Equal(401, response.Status);
        Assert.Equal("Bearer", response.Header("WWW-Authenticate"));
        Assert.Null(response.Header("Variable-HELLO_USER"));
        Assert.Equal("A valid bearer token is required.", response.Body);

        Assert.Equal(401, (await Server.SendAsync("GET", "/home", role: FcgiRole.Authorizer)).Status);
    }

    [Fact]
    public async Task AFilterUpperCasesTheDataStream()
    {
        byte[] data = Encoding.UTF8.GetBytes("<p>hello, world</p>");
        var parameters = new Dictionary<string, string> { ["FCGI_DATA_LENGTH"] = data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        CgiResponse response = await Server.SendAsync("GET", "/page.html", parameters: parameters, role: FcgiRole.Filter, data: data);
        Assert.Equal(200, response.Status);
        Assert.Equal("text/html; charset=utf-8", response.Header("Content-Type"));
        Assert.Equal("<P>HELLO, WORLD</P>", response.Body);
    }

    [Fact]
    public async Task AFilterSeesItsParametersAsARouteDoes()
    {
        var parameters = new Dictionary<string, string> { ["FCGI_DATA_LENGTH"] = "100" };
        CgiResponse shorter = await Server.SendAsync("GET", "/page.html", parameters: parameters, role: FcgiRole.Filter, data: "abc"u8.ToArray());
        Assert.Equal(400, shorter.Status);

        CgiResponse missing = await Server.SendAsync("GET", "/page.html", role: FcgiRole.Filter, data: "abc"u8.ToArray());
        Assert.Equal(400, missing.Status);
        Assert.Equal("Required parameter 'length' is missing.\n", missing.Body);
    }

    [Fact]
    public async Task AResponderRequestIsStillRoutedByPath()
    {
        var parameters = new Dictionary<string, string> { ["REMOTE_USER"] = "alice" };
        Assert.Equal("Welcome, alice!", (await Server.SendAsync("GET", "/home", parameters: parameters)).Body);
        Assert.Equal(404, (await Server.SendAsync("GET", "/page.html")).Status);
    }

    [Fact]
    public void AnApplicationWithEveryRoleAcceptsEveryRole()
    {
        Assert.True(Server.AcceptsRole(FcgiRole.Responder));
        Assert.True(Server.AcceptsRole(FcgiRole.Authorizer));
        Assert.True(Server.AcceptsRole(FcgiRole.Filter));
        Assert.False(Server.AcceptsRole((FcgiRole)4));
    }

    [Theory]
    [InlineData("[FcgiRoute(\"/x\")] public static string X() => \"x\";", true, false, false)]
    [InlineData("[FcgiAuthorizer] public static FcgiResult A() => FcgiResults.Ok();", false, true, false)]
    [InlineData("[FcgiFilter] public static string F([FcgiData] string data) => data;", false, false, true)]
    [InlineData("[FcgiRoute(\"/x\")] public static string X() => \"x\"; [FcgiFilter] public static string F([FcgiData] string data) => data;", true, false, true)]
    public void AnApplicationAcceptsTheRolesItHasHandlersFor(string handlers, bool responder, bool authorizer, bool filter)
    {
        InMemoryServer server = Load("public static class Api { " + handlers + " }");
        Assert.Equal(responder, server.AcceptsRole(FcgiRole.Responder));
        Assert.Equal(authorizer, server.AcceptsRole(FcgiRole.Authorizer));
        Assert.Equal(filter, server.AcceptsRole(FcgiRole.Filter));
    }

    [Fact]
    public async Task ARoleWithoutAHandlerIsNotFound()
    {
        InMemoryServer routesOnly = new(GeneratorRunner.Run(GeneratorRunner.Resource("MinimalApp.cs")).AssertCleanBuild().Load());
        Assert.Equal(404, (await routesOnly.SendAsync("GET", "/hello", role: FcgiRole.Authorizer)).Status);
        Assert.Equal(404, (await routesOnly.SendAsync("GET", "/hello", role: FcgiRole.Filter, data: "x"u8.ToArray())).Status);

        InMemoryServer authorizerOnly = Load("public static class Api { [FcgiAuthorizer] public static FcgiResult A() => FcgiResults.Ok(); }");
        Assert.Equal(404, (await authorizerOnly.SendAsync("GET", "/hello")).Status);
        Assert.Equal(200, (await authorizerOnly.SendAsync("GET", "/hello", role: FcgiRole.Authorizer)).Status);
    }

    [Theory]
    [InlineData("ReadOnlyMemory<byte>", "Encoding.UTF8.GetString(data.Span)")]
    [InlineData("byte[]", "Encoding.UTF8.GetString(data)")]
    [InlineData("Stream", "new StreamReader(data).ReadToEnd()")]
    [InlineData("string", "data")]
    public async Task DataBindsAsEveryBodyType(string type, string read)
    {
        InMemoryServer server = Load(
            "using System.Text;\npublic static class Api { [FcgiFilter] public static string F([FcgiData] " + type + " data, [FcgiBody] string body) => " + read + " + \"|\" + body; }");
        CgiResponse response = await server.SendAsync("POST", "/f", body: "stdin", role: FcgiRole.Filter, data: "data"u8.ToArray());
        Assert.Equal("data|stdin", response.Body);
    }

    private static InMemoryServer Load(string source) =>
        new(GeneratorRunner.Run(Usings + source).AssertCleanBuild().Load());
}
