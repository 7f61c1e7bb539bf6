using System;
using System.Linq;
using System.Threading.Tasks;
using FastCgi.Aot.Tests.Hosting;

namespace FastCgi.Aot.Tests.Connections;

/// <summary>Response headers are never doubled, and a handler's Content-Length is held to its body.</summary>
public sealed class ResponseHeaderTests
{
    [Fact]
    public async Task ContentTypeAndLocationKeepTheLastValueWhileSetCookieRepeats()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>();
        using RawFcgiClient client = server.Connect();

        CgiResponse response = client.Get("/headers/doubled").Parse();

        Assert.Equal("application/json", Assert.Single(response.Headers, h => h.Key == "Content-Type").Value);
        Assert.Equal("/second", Assert.Single(response.Headers, h => h.Key == "Location").Value);
        Assert.Equal(["a=1", "b=2"], response.Headers.Where(h => h.Key == "Set-Cookie").Select(h => h.Value));
        Assert.Single(response.Headers, h => h.Key == "Content-Length");
        Assert.Single(response.Headers, h => h.Key == "Status");
    }

    [Fact]
    public async Task AStatusHeaderFromAHandlerIsAnError()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>();
        using RawFcgiClient client = server.Connect();

        CgiResponse response = client.Get("/headers/status").Parse();

        Assert.Equal(500, response.Status);
        Assert.Contains("StatusCode", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AContentLengthThatMatchesTheBodyIsSentOnce()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>();
        using RawFcgiClient client = server.Connect();

        CgiResponse response = client.Get("/headers/length-right").Parse();

        Assert.Equal(200, response.Status);
        Assert.Equal("5", Assert.Single(response.Headers, h => h.Key == "Content-Length").Value);
        Assert.Equal("12345", response.BodyText);
    }

    [Fact]
    public async Task AContentLengthThatDoesNotMatchTheBodyFailsTheRequestBeforeAnythingIsSent()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>();
        using RawFcgiClient client = server.Connect();

        CgiResponse response = client.Get("/headers/length-wrong").Parse();

        Assert.Equal(500, response.Status);
        Assert.Contains("Content-Length: 5 but wrote 3", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStreamedResponseShorterThanItsContentLengthIsCutOff()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>();
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "GET", "/headers/length-streamed-short?key=short");

        Assert.True(client.ServerClosed());
        TestRequestResult result = client.Result(1);
        Assert.False(result.Ended);
        Assert.Equal("100000", result.Parse().Header("Content-Length"));
    }

    [Theory]
    [InlineData(418, "I'm a teapot")]
    [InlineData(422, "Unprocessable Content")]
    [InlineData(503, "Service Unavailable")]
    [InlineData(299, "Successful")]
    [InlineData(599, "Server Error")]
    public async Task EveryStatusGoesOutWithAReasonPhrase(int code, string phrase)
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>();
        using RawFcgiClient client = server.Connect();

        TestRequestResult result = client.Get($"/status?code={code}");
        string head = System.Text.Encoding.ASCII.GetString(result.Stdout.ToArray());

        Assert.StartsWith($"Status: {code} {phrase}\r\n", head, StringComparison.Ordinal);
    }
}
