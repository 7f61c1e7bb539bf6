using System;
using FastCgi.Aot.Protocol;
using TestApplication = FastCgi.Aot.Generated.FcgiApplication;

namespace FastCgi.Aot.Testing.Tests;

/// <summary>What a request refuses, and how it keeps what it is given.</summary>
public sealed class RequestBuilderTests
{
    [Theory]
    [InlineData("GET POST")]
    [InlineData("GÉT")]
    [InlineData("")]
    public void AMethodIsAToken(string method) =>
        Assert.ThrowsAny<ArgumentException>(() => new FcgiTestRequest(method, "/"));

    [Theory]
    [InlineData("relative")]
    [InlineData("http://example.org/")]
    [InlineData("")]
    public void ATargetStartsWithASlash(string target) =>
        Assert.ThrowsAny<ArgumentException>(() => FcgiTestRequest.Get(target));

    [Theory]
    [InlineData("/a%2Fb?x=%20", "/a%2Fb", "x=%20")]
    [InlineData("/a b?c d", "/a%20b", "c%20d")]
    [InlineData("/ü?q=\"<>`", "/%C3%BC", "q=%22%3C%3E%60")]
    [InlineData("/page#section?not-a-query", "/page", "")]
    [InlineData("/🎉", "/%F0%9F%8E%89", "")]
    public void ATargetKeepsItsEscapesAndEncodesWhatABrowserEncodes(string target, string path, string query)
    {
        var request = FcgiTestRequest.Get(target);

        Assert.Equal(path, request.Path);
        Assert.Equal(query, request.QueryString);
    }

    [Theory]
    [InlineData("X Bad")]
    [InlineData("X-Ü")]
    [InlineData("X:Colon")]
    [InlineData("")]
    public void AHeaderNameNoRequestCanCarryIsRefused(string name) =>
        Assert.ThrowsAny<ArgumentException>(() => FcgiTestRequest.Get("/").WithHeader(name, "v"));

    [Theory]
    [InlineData("a\r\nX-Injected: 1")]
    [InlineData("a\nb")]
    [InlineData("a\0b")]
    public void AHeaderValueWithALineBreakIsRefused(string value) =>
        Assert.Throws<ArgumentException>(() => FcgiTestRequest.Get("/").WithHeader("X-A", value));

    [Theory]
    [InlineData("a b", "v")]
    [InlineData("a=b", "v")]
    [InlineData("a", "x;y")]
    [InlineData("a", "caf\u00e9")]
    public void ACookieIsValidatedAsRfc6265Says(string name, string value) =>
        Assert.ThrowsAny<ArgumentException>(() => FcgiTestRequest.Get("/").WithCookie(name, value));

    [Fact]
    public void WithParamReplacesAnEarlierValue()
    {
        FcgiTestRequest request = FcgiTestRequest.Get("/").WithParam("A", "1").WithParam("B", "2").WithParam("A", "3");

        Assert.Equal(["B=2", "A=3"], System.Linq.Enumerable.Select(request.Params, static p => p.Key + "=" + p.Value));
    }

    [Fact]
    public void TheBuilderKeepsWhatItIsGiven()
    {
        var when = DateTimeOffset.UnixEpoch.AddDays(1);
        FcgiTestRequest request = FcgiTestRequest.Put("/x?y=1")
            .WithHeader("X-A", "1")
            .WithCookie("c", "2")
            .WithText("body")
            .WithHttps()
            .WithData(new byte[] { 1, 2 }, when);

        Assert.Equal("PUT", request.Method);
        Assert.Equal("/x?y=1", request.Target);
        Assert.Equal("X-A", request.Headers[0].Key);
        Assert.Equal("c", request.Cookies[0].Key);
        Assert.Equal(4, request.Content!.Body.Length);
        Assert.True(request.Https);
        Assert.Equal(FcgiRole.Filter, request.Role);
        Assert.Equal(2, request.Data.Length);
        Assert.Equal(when, request.DataLastModified);
    }

    [Fact]
    public void AnUndefinedRoleIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FcgiTestRequest.Get("/").WithRole((FcgiRole)9));

    [Theory]
    [InlineData("host/with/slash")]
    [InlineData("")]
    public void AnInvalidHostIsRefusedWhenTheClientIsCreated(string host) =>
        Assert.ThrowsAny<ArgumentException>(() => FcgiTestClient.Create<TestApplication>(new FcgiTestClientOptions { Host = host }));

    [Fact]
    public void ANonPositiveTimeoutIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FcgiTestClient.Create<TestApplication>(new FcgiTestClientOptions { Timeout = TimeSpan.Zero }));

    [Fact]
    public void ANegativeBodyLimitIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FcgiTestClient.Create<TestApplication>(new FcgiTestClientOptions { MaxBodyBytes = -1 }));

    [Fact]
    public async System.Threading.Tasks.Task TheClientCopiesItsOptions()
    {
        var options = new FcgiTestClientOptions { Host = "first.example" };
        await using FcgiTestClient client = FcgiTestClient.Create<TestApplication>(options);
        options.Host = "second.example";

        FcgiTestResponse response = await client.GetAsync("/params");

        Assert.Equal("first.example", RequestTests.ParseParams(response.Text)["HTTP_HOST"]);
    }
}
