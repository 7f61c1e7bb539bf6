using System;
using System.Collections.Generic;
using System.Reflection;
using System.Text;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>Loads the reference sample as the solution built it, generated dispatcher and JSON context included, with HELLO_TOKEN set.</summary>
public sealed class HelloFcgiFixture
{
    public const string Token = "contract-token";

    private readonly Lazy<InMemoryServer> _server = new(static () =>
    {
        // The sample reads HELLO_TOKEN once, in a static initializer that runs on first use.
        Environment.SetEnvironmentVariable("HELLO_TOKEN", Token);
        return new InMemoryServer(Assembly.Load("HelloFcgi"));
    });

    internal InMemoryServer Server => _server.Value;
}

/// <summary>The reference sample's routes are a stable contract (issue 5); these pin it on the sample's own source.</summary>
public sealed class HelloFcgiContractTests(HelloFcgiFixture fixture) : IClassFixture<HelloFcgiFixture>
{
    private InMemoryServer Server => fixture.Server;

    [Fact]
    public async Task HelloAnswersHelloWorldAsPlainText()
    {
        CgiResponse response = await Server.SendAsync("GET", "/hello");
        Assert.Equal(200, response.Status);
        Assert.StartsWith("text/plain", response.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("Hello, World!", response.Body);
    }

    [Fact]
    public async Task EchoReturnsTheBodyWithTheRequestsContentType()
    {
        var parameters = new Dictionary<string, string> { ["CONTENT_TYPE"] = "application/x-sample" };
        CgiResponse response = await Server.SendAsync("POST", "/echo", body: "any bytes \u00e9", parameters: parameters);
        Assert.Equal(200, response.Status);
        Assert.Equal("application/x-sample", response.Header("Content-Type"));
        Assert.Equal("any bytes \u00e9", response.Body);
    }

    [Fact]
    public async Task SlowSleepsAndSaysHowLong()
    {
        CgiResponse response = await Server.SendAsync("GET", "/slow?ms=5");
        Assert.Equal(200, response.Status);
        Assert.Equal("slept 5", response.Body);
    }

    [Theory]
    [InlineData("/add?a=1&b=2", 200, "3")]
    [InlineData("/add?a=-7&b=2", 200, "-5")]
    public async Task AddAddsTheQueryNumbers(string uri, int status, string body)
    {
        CgiResponse response = await Server.SendAsync("GET", uri);
        Assert.Equal(status, response.Status);
        Assert.Equal(body, response.Body);
    }

    [Theory]
    [InlineData("/add?a=1", "b")]
    [InlineData("/add?a=x&b=2", "a")]
    public async Task AddAnswers400NamingAMissingOrBadParameter(string uri, string parameter)
    {
        CgiResponse response = await Server.SendAsync("GET", uri);
        Assert.Equal(400, response.Status);
        Assert.Contains($"'{parameter}'", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersAnswersJson()
    {
        CgiResponse response = await Server.SendAsync("GET", "/users/7");
        Assert.Equal(200, response.Status);
        Assert.StartsWith("application/json", response.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("{\"id\":7,\"name\":\"user7\"}", response.Body);
    }

    [Fact]
    public async Task ParamsListsEveryParameterOnItsOwnLine()
    {
        var parameters = new Dictionary<string, string> { ["REMOTE_ADDR"] = "127.0.0.1", ["HTTP_X_TEST"] = "a=b" };
        CgiResponse response = await Server.SendAsync("GET", "/params", parameters: parameters);
        Assert.Equal(200, response.Status);
        string[] lines = response.Body.TrimEnd('\n').Split('\n');
        Assert.Contains("REQUEST_METHOD=GET", lines);
        Assert.Contains("REQUEST_URI=/params", lines);
        Assert.Contains("REMOTE_ADDR=127.0.0.1", lines);
        Assert.Contains("HTTP_X_TEST=a=b", lines);
        Assert.Equal(5, lines.Length);
    }

    [Fact]
    public async Task TheAuthorizerAllowsTheBearerTokenAndPassesHelloUser()
    {
        var parameters = new Dictionary<string, string> { ["HTTP_AUTHORIZATION"] = "Bearer " + HelloFcgiFixture.Token };
        CgiResponse response = await Server.SendAsync("GET", "/anything", parameters: parameters, role: FcgiRole.Authorizer);
        Assert.Equal(200, response.Status);
        Assert.Equal("hello", response.Header("Variable-HELLO_USER"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    [InlineData("Bearer " + HelloFcgiFixture.Token + "x")]
    [InlineData("Basic " + HelloFcgiFixture.Token)]
    public async Task TheAuthorizerDeniesAnythingElseWith401(string? authorization)
    {
        var parameters = new Dictionary<string, string>();
        if (authorization is not null)
        {
            parameters["HTTP_AUTHORIZATION"] = authorization;
        }

        CgiResponse response = await Server.SendAsync("GET", "/anything", parameters: parameters, role: FcgiRole.Authorizer);
        Assert.Equal(401, response.Status);
        Assert.Null(response.Header("Variable-HELLO_USER"));
    }

    [Fact]
    public async Task TheFilterUpperCasesAsciiLettersOfTheData()
    {
        byte[] data = Encoding.UTF8.GetBytes(new string('x', 300) + "Mixed 123 \u00e9t\u00e9!");
        CgiResponse response = await Server.SendAsync("GET", "/file.txt", role: FcgiRole.Filter, data: data);
        Assert.Equal(200, response.Status);
        Assert.Equal(new string('X', 300) + "MIXED 123 \u00e9T\u00e9!", response.Body);
    }

    [Fact]
    public void TheSamplePlaysAllThreeRoles()
    {
        Assert.True(Server.AcceptsRole(FcgiRole.Responder));
        Assert.True(Server.AcceptsRole(FcgiRole.Authorizer));
        Assert.True(Server.AcceptsRole(FcgiRole.Filter));
    }
}
