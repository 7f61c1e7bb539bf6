using System;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Hosting;

[Collection(HostingCollection.Name)]
public sealed class LimitTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ParamsPastTheLimitGet431()
    {
        await using TestServer server = TestServer.Start(o => o.MaxParamsBytes = 1024);
        using RawFcgiClient client = server.Connect();

        client.BeginRequest(1);
        client.Params(1, [.. RawFcgiClient.ParamsFor("GET", "/hello"), new("HTTP_COOKIE", new string('c', 2000))]);
        client.Stdin(1, default);
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        Assert.Equal(431, response.Status);
        Assert.Equal(1, server.Instance.Statistics.RefusedParamsTooLarge);
        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 2).Parse().BodyText);
    }

    [Fact]
    public async Task BodyPastTheLimitGets413()
    {
        await using TestServer server = TestServer.Start(o => o.MaxBodyBytes = 1000);
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "POST", "/echo", new byte[5000], "application/octet-stream");
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        Assert.Equal(413, response.Status);
        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 2).Parse().BodyText);
    }

    [Fact]
    public async Task BodyPastTheLimitWithoutContentLengthGets413()
    {
        await using TestServer server = TestServer.Start(o => o.MaxBodyBytes = 1000);
        using RawFcgiClient client = server.Connect();

        client.BeginRequest(1);
        client.Params(1, RawFcgiClient.ParamsFor("POST", "/echo", "application/octet-stream"));
        client.Stdin(1, new byte[600], end: false);
        client.Stdin(1, new byte[600]);
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        Assert.Equal(413, response.Status);
        Assert.Equal(1, server.Instance.Statistics.RefusedBodyTooLarge);
        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 2).Parse().BodyText);
    }

    [Fact]
    public async Task BodyAtTheLimitIsAccepted()
    {
        await using TestServer server = TestServer.Start(o => o.MaxBodyBytes = 1000);
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "POST", "/echo", new byte[1000], "application/octet-stream");

        Assert.Equal(1000, client.ReadUntilEnd(1).Parse().Body.Length);
    }

    [Fact]
    public async Task ConnectionPastMaxConnectionsGetsOverloaded()
    {
        await using TestServer server = TestServer.Start(o => o.MaxConnections = 1);
        using RawFcgiClient first = server.Connect();
        first.Get("/hello");
        using RawFcgiClient second = server.Connect();

        TestRequestResult result = second.Get("/hello");

        Assert.Equal(FcgiProtocolStatus.Overloaded, result.ProtocolStatus);
        Assert.Equal("Hello, world!\n", first.Get("/hello", id: 2).Parse().BodyText);
    }

    [Fact]
    public async Task RequestPastMaxRequestsGetsOverloaded()
    {
        await using TestServer server = TestServer.Start(o => o.MaxRequests = 1);
        using RawFcgiClient client = server.Connect();
        client.SendRequest(1, "GET", "/wait?key=max-requests");
        await TestApplication.ProbeFor("max-requests").Started.Task.WaitAsync(s_wait);
        using RawFcgiClient other = server.Connect();

        Assert.Equal(FcgiProtocolStatus.Overloaded, other.Get("/hello").ProtocolStatus);

        client.Abort(1);
        client.ReadUntilEnd(1);
        other.Results.Clear();
        Assert.Equal("Hello, world!\n", other.Get("/hello").Parse().BodyText);
    }
}
