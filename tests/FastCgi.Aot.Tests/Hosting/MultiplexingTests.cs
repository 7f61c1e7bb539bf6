using System;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Hosting;

[Collection(HostingCollection.Name)]
public sealed class MultiplexingTests
{
    [Fact]
    public async Task InterleavedRequestsAreEachAnsweredUnderTheirOwnId()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.BeginRequest(1);
        client.BeginRequest(2);
        client.Params(2, RawFcgiClient.ParamsFor("POST", "/echo", "text/two", 3), end: false);
        client.Params(1, RawFcgiClient.ParamsFor("POST", "/echo", "text/one", 3));
        client.Params(2, [], end: true);
        client.Stdin(1, "one"u8, end: false);
        client.Stdin(2, "two"u8);
        client.Stdin(1, default);

        CgiResponse one = client.ReadUntilEnd(1).Parse();
        CgiResponse two = client.ReadUntilEnd(2).Parse();
        Assert.Equal("one", one.BodyText);
        Assert.Equal("text/one", one.Header("Content-Type"));
        Assert.Equal("two", two.BodyText);
        Assert.Equal("text/two", two.Header("Content-Type"));
    }

    [Fact]
    public async Task SlowRequestDoesNotBlockAFastOneOnTheSameConnection()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "GET", "/wait?key=mpx-slow");
        await TestApplication.ProbeFor("mpx-slow").Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        client.SendRequest(2, "GET", "/hello");

        TestRequestResult fast = client.ReadUntilEnd(2);
        Assert.Equal("Hello, world!\n", fast.Parse().BodyText);
        Assert.False(client.Result(1).Ended);

        client.Abort(1);
        Assert.Equal(1, client.ReadUntilEnd(1).EndRequestCount);
    }

    [Fact]
    public async Task ManyConcurrentLargeResponsesNeverInterleaveWithinARecord()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        const int Size = 300_000;

        for (ushort id = 1; id <= 8; id++)
        {
            client.SendRequest(id, "GET", $"/big?bytes={Size + id}");
        }

        for (ushort id = 1; id <= 8; id++)
        {
            // The client's reader fails on any record whose header is not where it should be.
            byte[] body = client.ReadUntilEnd(id).Parse().Body;
            Assert.Equal(Size + id, body.Length);
            Assert.Equal((byte)((Size + id - 1) % 251), body[^1]);
        }
    }

    [Fact]
    public async Task RequestPastThePerConnectionLimitGetsOverloaded()
    {
        await using TestServer server = TestServer.Start(o => o.MaxRequestsPerConnection = 2);
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "GET", "/wait?key=limit-a");
        client.SendRequest(2, "GET", "/wait?key=limit-b");
        client.SendRequest(3, "GET", "/hello");

        TestRequestResult third = client.ReadUntilEnd(3);
        Assert.Equal(FcgiProtocolStatus.Overloaded, third.ProtocolStatus);
        client.Abort(1);
        client.Abort(2);
        client.ReadUntilEnd(1);
        client.ReadUntilEnd(2);
        client.Results.Remove(3);
        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 3).Parse().BodyText);
    }

    [Fact]
    public async Task SecondRequestOnANonMultiplexingConnectionGetsCantMpxConn()
    {
        await using TestServer server = TestServer.Start(o => o.MaxRequestsPerConnection = 1);
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "GET", "/wait?key=cantmpx");
        client.SendRequest(2, "GET", "/hello");

        Assert.Equal(FcgiProtocolStatus.CantMultiplexConnection, client.ReadUntilEnd(2).ProtocolStatus);
        client.Abort(1);
        client.ReadUntilEnd(1);
        server.AssertServesFreshConnection();
    }
}
